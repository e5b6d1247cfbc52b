# SPDX-License-Identifier: MIT
#
# From bench/run.sh's records.tsv (see json.awk), the data of ratios.png:
# one line per headline metric measured natively and under tandem,
#   "bench/metric" log2(tandem/native) color ratio
# color 1 where tandem did better than native, 2 where it did worse.

function med(s,   v, m, i, j, t) {
	m = split(s, v, " ")
	for (i = 1; i <= m; i++)
		v[i] += 0
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}

$7 == 1 && $8 == "ok" && $9 != "" && ($5 == 0 || $5 == 1) {
	k = $1 "/" $2
	if ($5 == 0) {
		nat[k] = med($9)
		better[k] = $4
		order[++n] = k
	} else {
		tan[k] = med($9)
	}
}

END {
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!(k in tan) || nat[k] <= 0 || tan[k] <= 0)
			continue
		r = tan[k] / nat[k]
		good = better[k] == "higher" ? r >= 1 : r <= 1
		printf "%s %.6g %d %.3g\n", k, log(r) / log(2), good ? 1 : 2, r
	}
}
