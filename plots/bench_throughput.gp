# Throughput of every scheme's GEMM against size (M = N = K), with OpenBLAS
# SGEMM and the machine's measured fp32 FMA peak: the figure of `make bench`.
#
#   gnuplot -e "datadir='results/bench'; outdir='results/figures'" plots/bench_throughput.gp
#
# Reads datadir/throughput.dat (one block per scheme, OpenBLAS SGEMM first,
# each block headed by its name) and datadir/plot_vars.gp (block count,
# thread count, peak), both written by the benchmark summary.  Writes
# outdir/bench_throughput.svg and .png (and .pdf where cairo is there).

if (!exists("datadir")) datadir = "results/bench"
if (!exists("outdir")) outdir = "results/figures"
load datadir."/plot_vars.gp"
data = datadir."/throughput.dat"

set title sprintf("GEMM throughput, M = N = K, %d threads (fp32 peak %.0f GFLOP/s)", \
                  bench_threads, bench_peak_fp32) noenhanced
set xlabel "M = N = K"
set ylabel "GFLOP/s (2MNK / time)"
set logscale x 2
set logscale y 10
set format x "%g"
set format y "%g"
set grid xtics ytics mytics lc rgb "#dddddd"
set key outside right top vertical noenhanced font ",8" spacing 0.9
set border 3
set tics nomirror

# Block 0 is OpenBLAS SGEMM (black, thick); the peak is a dashed line.
peak_title = "fp32 FMA peak (measured)"
# Colours repeat every 8 schemes; the dash pattern changes with each round.
plot_cmd = "plot for [i=1:bench_blocks-1] data index i using 1:2 with linespoints lc i dt 1+((i-1)/8)%4 pt 7 ps 0.5 lw 1.2 title columnheader(2), " . \
           "data index 0 using 1:2 with linespoints lc rgb 'black' lw 3 pt 5 title columnheader(2)"
if (bench_peak_fp32 == bench_peak_fp32) {
    plot_cmd = plot_cmd . ", bench_peak_fp32 with lines dt 2 lw 2 lc rgb '#cc0000' title peak_title"
}

set terminal svg size 1100,750 dynamic font "sans,11" background rgb "white"
set output outdir."/bench_throughput.svg"
eval plot_cmd

set terminal pngcairo size 1100,750 font "sans,10" background rgb "white"
set output outdir."/bench_throughput.png"
eval plot_cmd

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
    set terminal pdfcairo size 11in,7.5in font "sans,10"
    set output outdir."/bench_throughput.pdf"
    eval plot_cmd
}
set output
