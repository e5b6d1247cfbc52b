# SPDX-License-Identifier: MIT
#
# Turns bench/run.sh's record files into the "benchmarks", "derived" and
# "failures" members of results/latest.json (run.sh writes the rest).
# Input, tab-separated, in this order:
#   benches.tsv  name, title, rounds, command, warning (or empty)
#   records.tsv  bench, metric, unit, better, variant index, variant
#                label, headline (0/1), status, samples (space-separated)
#   derived.tsv  bench, name, value, unit, note
# The fields are described in bench/README.md.

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, " ", s)
	return "\"" s "\""
}

function jnum(x) {
	return x == "" ? "null" : sprintf("%.6g", x)
}

# sorts v[1..n] (a few dozen values: insertion sort is enough)
function sortv(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
}

# linear interpolation between the sorted values, as run.sh's stats
function q(v, n, p,   h, i) {
	h = (n - 1) * p + 1; i = int(h)
	return i >= n ? v[n] : v[i] + (h - i) * (v[i + 1] - v[i])
}

function variant_json(status, samples,   v, n, i, s, out) {
	n = split(samples, v, " ")
	for (i = 1; i <= n; i++)
		v[i] += 0
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? ", " : "") jnum(v[i])
	out = "\"status\": " jstr(status) ", \"n\": " n
	if (n > 0 && status == "ok") {
		sortv(v, n)
		out = out ", \"median\": " jnum(q(v, n, 0.5)) \
			", \"min\": " jnum(v[1]) ", \"max\": " jnum(v[n]) \
			", \"q1\": " jnum(q(v, n, 0.25)) \
			", \"q3\": " jnum(q(v, n, 0.75))
		MED = q(v, n, 0.5)
	} else {
		MED = ""
	}
	return out ", \"samples\": [" s "]"
}

FILENAME != last { file++; last = FILENAME }

file == 1 {
	nb++
	bname[nb] = $1; btitle[$1] = $2; breps[$1] = $3; bcmd[$1] = $4
	bwarn[$1] = $5
	next
}

file == 2 {
	key = $1 SUBSEP $2
	if (!(key in nvar)) {
		nm[$1]++
		mname[$1, nm[$1]] = $2
		munit[key] = $3; mbetter[key] = $4; mhead[key] = $7
	}
	i = nvar[key]++
	vlabel[key, i] = $6; vstatus[key, i] = $8; vsamples[key, i] = $9
	if ($8 ~ /^FAILED/ && !(($1, $6) in failed)) {
		failed[$1, $6] = 1
		nf++
		fbench[nf] = $1; fvariant[nf] = $6; fstatus[nf] = $8
	}
	next
}

file == 3 {
	nd++
	dline[nd] = "{\"benchmark\": " jstr($1) ", \"name\": " jstr($2) \
		", \"value\": " jnum($3) ", \"unit\": " jstr($4) \
		", \"note\": " jstr($5) "}"
}

END {
	print "  \"benchmarks\": ["
	for (b = 1; b <= nb; b++) {
		n = bname[b]
		print "    {\"name\": " jstr(n) ", \"title\": " jstr(btitle[n]) \
			", \"rounds\": " breps[n] ", \"command\": " jstr(bcmd[n]) ","
		if (bwarn[n] != "")
			print "     \"warning\": " jstr(bwarn[n]) ","
		print "     \"metrics\": ["
		for (m = 1; m <= nm[n]; m++) {
			key = n SUBSEP mname[n, m]
			print "      {\"name\": " jstr(mname[n, m]) ", \"unit\": " \
				jstr(munit[key]) ", \"better\": " jstr(mbetter[key]) \
				", \"headline\": " (mhead[key] ? "true" : "false") ","
			print "       \"variants\": ["
			delete med
			for (i = 0; i < nvar[key]; i++) {
				role = i == 0 ? "native" : i == 1 ? "tandem" : "tuned"
				line = "        {\"variant\": " jstr(vlabel[key, i]) \
					", \"role\": \"" role "\", " \
					variant_json(vstatus[key, i], vsamples[key, i]) "}"
				med[i] = MED
				print line (i < nvar[key] - 1 ? "," : "")
			}
			r1 = med[0] != "" && med[1] != "" && med[0] != 0 ? med[1] / med[0] : ""
			r2 = nvar[key] > 2 && med[2] != "" && med[1] != "" && med[2] != 0 ? med[1] / med[2] : ""
			print "       ],"
			print "       \"ratio_tandem_native\": " jnum(r1) \
				", \"ratio_tandem_tuned\": " jnum(r2) "}" \
				(m < nm[n] ? "," : "")
		}
		print "     ]}" (b < nb ? "," : "")
	}
	print "  ],"
	print "  \"derived\": ["
	for (i = 1; i <= nd; i++)
		print "    " dline[i] (i < nd ? "," : "")
	print "  ],"
	print "  \"failures\": ["
	for (i = 1; i <= nf; i++)
		print "    {\"benchmark\": " jstr(fbench[i]) ", \"variant\": " \
			jstr(fvariant[i]) ", \"status\": " jstr(fstatus[i]) "}" \
			(i < nf ? "," : "")
	print "  ]"
}
