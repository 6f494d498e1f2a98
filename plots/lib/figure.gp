# Shared by every figure script: output format, file name, data conventions.
#
#   gnuplot -e "out_format='png'; resdir='results'; outdir='results/figures'" plots/NAME.gp
#
# The script sets fig (its name), and fig_w, fig_h (pixels) before loading
# this file.  out_format: svg, png or pdf (pdfcairo; `make plots` asks gnuplot
# whether it has it).  resdir: where the experiments wrote their CSV files.
if (!exists("out_format")) out_format = "png"
if (!exists("resdir")) resdir = "results"
if (!exists("outdir")) outdir = "results/figures"
if (!exists("fig_w")) fig_w = 1200
if (!exists("fig_h")) fig_h = 800

if (out_format eq "svg") {
    set terminal svg size fig_w, fig_h dynamic enhanced font "sans,13" background rgb "white"
} else {
    if (out_format eq "pdf") {
        set terminal pdfcairo size fig_w / 100.0, fig_h / 100.0 enhanced font "sans,10"
    } else {
        set terminal pngcairo size fig_w, fig_h enhanced font "sans,12" background rgb "white"
    }
}
set output outdir."/".fig.".".out_format

# CSV with a header line; NaN marks a point left out (lines join across it).
set datafile separator ","
set datafile columnheaders
set datafile missing NaN

set grid xtics ytics mxtics mytics lc rgb "#e0e0e0" lw 1, lc rgb "#f0f0f0" lw 1
set border 3 lw 1.2
set tics nomirror out
set samples 400

# Twelve distinguishable line colours (Tableau 10, then black and a
# light blue); point types alternate so that repeated colours differ.
array pal[12] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", \
                 "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#000000", "#aec7e8"]
do for [i=1:12] { set linetype i lc rgb pal[i] lw 1.6 pt (i % 2 ? 7 : 5) ps 0.7 }

# The classical bounds for an inner product of length k, unit roundoff u.
gammak(k, u) = (k * u < 1) ? k * u / (1 - k * u) : NaN
sqrtku(k, u) = sqrt(k) * u
