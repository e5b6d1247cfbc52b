# SPDX-License-Identifier: MIT
#
# Reads an HPC Challenge output file (hpccoutf.txt) and prints one line per
# validation hpcc makes, "NAME: ok" or "NAME: FAILED (why)", in a fixed
# order and without measured figures, so that the verdicts of a native run
# and of a run under tandem can be compared line for line. Exits 1 when a
# validation failed or is missing, 0 otherwise.
#
# The checks are hpcc's own: HPL's scaled residual ("PASSED"), PTRANS's
# residual checks, RandomAccess's error count ("(passed)": at most 1% of
# the table wrong), the per-node verdicts of the Star/Single tests
# ("Node(s) with error 0": DGEMM residual, STREAM's "Solution Validates",
# the FFT error bound), MPIFFT's error bound (max|x-x0| / ln(n) / eps below
# the HPL threshold, recomputed from the summary as hpcc computes it) and
# the summary's overall "Success=1".
#
# usage: awk -f hpcc-verdict.awk hpccoutf.txt

BEGIN {
	nsec = split("HPL PTRANS MPIRandomAccess StarRandomAccess " \
		"SingleRandomAccess MPIRandomAccess_LCG StarRandomAccess_LCG " \
		"SingleRandomAccess_LCG StarDGEMM SingleDGEMM StarSTREAM " \
		"SingleSTREAM MPIFFT StarFFT SingleFFT LatencyBandwidth", order)
	sec = ""
	thr = ""
}

/^Begin of [A-Za-z_]+ section\.$/ { sec = $3; begun[sec] = 1; next }
/^End of [A-Za-z_]+ section\.$/ { ended[$3] = 1; sec = ""; next }
/^End of HPC Challenge tests\./ { finished = 1 }

/Computational tests pass if scaled residuals are less than/ {
	thr = $NF
}

# HPL: one verdict line per test, then a count of failed ones.
sec == "HPL" && / \.\.\.\.\.\. PASSED$/ { hpl_pass++ }
sec == "HPL" && / \.\.\.\.\.\. FAILED$/ { hpl_fail++ }
sec == "HPL" && /tests completed and failed residual checks/ { hpl_fail += $1 }
sec == "HPL" && /tests skipped because of illegal input values/ { hpl_skip += $1 }

# PTRANS: a table whose CHECK column is PASSED or FAILED.
sec == "PTRANS" && ($1 == "WALL" || $1 == "CPU") {
	if ($9 == "PASSED")
		ptrans_pass++
	else
		ptrans_fail++
}
sec == "PTRANS" && /tests completed and failed residual checks/ { ptrans_fail += $1 }
sec == "PTRANS" && /tests skipped because of illegal input values/ { ptrans_skip += $1 }

/^Found [0-9]+ errors in [0-9]+ locations \((passed|failed)\)\.$/ {
	if ($NF == "(passed).")
		ra_pass[sec]++
	else {
		ra_fail[sec]++
		ra_why[sec] = $2 " errors in " $5 " locations"
	}
}

/^Node\(s\) with error [0-9]+$/ {
	node_seen[sec] = 1
	node_err[sec] += $4
}

sec == "StarSTREAM" && /^Solution Validates/ { stream_ok = 1 }
sec == "StarSTREAM" && /Failed Validation/ { stream_bad = 1 }

/^Success=/ { success = substr($0, 9) }
/^MPIFFT_maxErr=/ { fft_err = substr($0, 15) + 0; fft_seen = 1 }
/^MPIFFT_N=/ { fft_n = substr($0, 10) + 0 }
/^HPL_eps=/ { eps = substr($0, 9) + 0 }

function verdict(name, ok, why)
{
	if (ok)
		print name ": ok"
	else {
		print name ": FAILED (" why ")"
		bad = 1
	}
}

END {
	for (i = 1; i <= nsec; i++) {
		s = order[i]
		verdict(s " ran to its end", begun[s] && ended[s],
			begun[s] ? "no End line" : "section missing")
	}

	verdict("HPL residual", hpl_pass > 0 && !hpl_fail && !hpl_skip,
		hpl_pass + 0 " passed, " hpl_fail + 0 " failed, " \
		hpl_skip + 0 " skipped")
	verdict("PTRANS residual", ptrans_pass > 0 && !ptrans_fail && !ptrans_skip,
		ptrans_pass + 0 " passed, " ptrans_fail + 0 " failed, " \
		ptrans_skip + 0 " skipped")

	split("MPIRandomAccess StarRandomAccess MPIRandomAccess_LCG " \
		"StarRandomAccess_LCG", ra)
	for (i = 1; i <= 4; i++) {
		s = ra[i]
		verdict(s " errors", ra_pass[s] > 0 && !ra_fail[s],
			ra_fail[s] ? ra_why[s] : "no \"Found N errors\" line")
	}

	split("StarRandomAccess SingleRandomAccess StarRandomAccess_LCG " \
		"SingleRandomAccess_LCG StarDGEMM SingleDGEMM StarSTREAM " \
		"SingleSTREAM StarFFT SingleFFT", nodes)
	for (i = 1; i <= 10; i++) {
		s = nodes[i]
		verdict(s " nodes with error", node_seen[s] && !node_err[s],
			node_seen[s] ? node_err[s] " node(s) with error" \
				     : "no \"Node(s) with error\" line")
	}

	verdict("StarSTREAM solution validates", stream_ok && !stream_bad,
		stream_bad ? "Failed Validation" : "no \"Solution Validates\" line")

	if (!fft_seen || !fft_n || !eps || thr == "")
		verdict("MPIFFT error bound", 0,
			"MPIFFT_maxErr, MPIFFT_N, HPL_eps or the threshold missing")
	else
		verdict("MPIFFT error bound",
			fft_err >= 0 && fft_err / log(fft_n) / eps < thr + 0,
			"max|x-x0| " fft_err " / ln(" fft_n ") / eps >= " thr)

	verdict("summary Success=1", success == "1",
		success == "" ? "no Success= line" : "Success=" success)
	verdict("finished", finished, "no \"End of HPC Challenge tests.\" line")
	exit bad
}
