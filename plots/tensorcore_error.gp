# Figure: fp8 (e4m3) GEMM error against K with the H100 tensor-core model:
# fast accumulation against promotion into fp32 every N_C blocks.
# needs: tensorcore/errors.csv
fig = "tensorcore_error"
fig_w = 1600
fig_h = 1050
load "plots/lib/figure.gp"
data = resdir."/tensorcore/errors.csv"
V = "fp32 h100-fast h100-promote1 h100-promote4 h100-promote16 b200-fast"
VT = "'fp32 accumulation' 'H100 fast accumulation (no promotion)' 'H100, promote every N_C = 1 block (32)' 'H100, promote every N_C = 4 blocks (128)' 'H100, promote every N_C = 16 blocks (512)' 'B200 model, fast accumulation'"
LT = "11 2 3 1 4 5"
set logscale x 2
set logscale y 10
set format x "2^{%L}"
set format y "10^{%L}"
stats data using "k" nooutput
set xrange [STATS_min / 1.3 : STATS_max * 1.3]
set xlabel "K"
D = "uniform01 normal"
DT = "'uniform (0,1) data' 'standard normal data'"
MT = "'accumulation error' 'total error'"
MC = "accum_err total_err"
set multiplot layout 2,2 margins 0.07,0.72,0.08,0.88 spacing 0.08,0.12 \
    title "fp8 e4m3 GEMM (per-tensor scaling) with the H100 tensor-core model: 32-product blocks, 13 fraction bits, truncation\n{/*0.8 normwise error over |A||B|, median over trials (solid) and maximum (dotted); accumulation error: against the exact sum of the e4m3 products; total: against the exact product of the fp32 data}" font ",15"
do for [d=1:2] {
    do for [m=1:2] {
        set title word(DT, d).": ".word(MT, m) font ",12"
        if (m == 1) { set ylabel "||C - C_{ref}||_F / || |A||B| ||_F" } else { unset ylabel }
        if (d == 1 && m == 2) { set key at screen 0.74, 0.86 left top Left reverse font ",12" spacing 1.15 } else { unset key }
        med = word(MC, m)."_median"
        mx = word(MC, m)."_max"
        plot for [i=1:words(V)] data using "k":(strcol("variant") eq word(V, i) && strcol("dist") eq word(D, d) ? column(med) : NaN) \
                 with linespoints lt word(LT, i) + 0 title word(VT, i), \
             for [i=1:words(V)] data using "k":(strcol("variant") eq word(V, i) && strcol("dist") eq word(D, d) ? column(mx) : NaN) \
                 with lines lt word(LT, i) + 0 dt 3 lw 1 notitle
    }
}
unset multiplot
