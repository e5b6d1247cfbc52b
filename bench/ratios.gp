# SPDX-License-Identifier: MIT
# ratios.png: the headline ratios tandem/native on a log scale.
# gnuplot -e "datafile='...'; outfile='...'" bench/ratios.gp
set terminal pngcairo size 1000,560 font ",10"
set output outfile
set title "tandem / native (median of the rounds; green: tandem better, red: worse)"
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -40 left noenhanced
set ytics ("1/64x" -6, "1/16x" -4, "1/4x" -2, "1/2x" -1, "1x" 0, "2x" 1, "4x" 2, "16x" 4, "64x" 6)
set grid ytics
set ylabel "ratio (log scale)"
set xzeroaxis lt -1 lw 1.5
set key off
set bmargin 8
set palette defined (1 "#2e9e44", 2 "#cc3333")
unset colorbox
set cbrange [1:2]
set offsets 0.5, 0.5, 0.5, 0.5
plot datafile using 0:2:3:xtic(strcol(1) . " " . strcol(4) . "x") with boxes lc palette
