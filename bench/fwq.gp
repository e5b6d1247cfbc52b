# SPDX-License-Identifier: MIT
# fwq.png: every fixed-work quantum over time, natively (top) and under
# tandem (bottom), one colour per core.  An empty file name marks a variant
# that has no data (it failed): its panel says so.
# gnuplot -e "native='...'; tandem='...'; outfile='...'; ncores=N" bench/fwq.gp
set terminal pngcairo size 1100,750 font ",10"
set output outfile
set multiplot layout 2,1 title "FWQ: time of each fixed work quantum (last round)"
set logscale y
set ylabel "quantum (us, log scale)"
set xlabel "sample"
set grid
set key top right

do for [side in "native tandem"] {
	file = side eq "native" ? native : tandem
	set title (side eq "native" ? "native Linux" : "tandem run")
	if (strlen(file) > 0) {
		plot for [c=1:ncores] file using 1:(column(c + 1)) \
			with points pt 7 ps 0.3 title sprintf("core %d", c - 1)
	} else {
		unset logscale y
		set label 1 "no data: FAILED (see latest.txt)" at graph 0.5, 0.5 center
		plot [0:1] [0:1] NaN notitle
		unset label 1
		set logscale y
	}
}
unset multiplot
