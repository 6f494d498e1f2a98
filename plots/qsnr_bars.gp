# Figure: quantisation quality (QSNR, dB) of the common low-precision
# formats and scalings on four data distributions.
# needs: qsnr/qsnr_bars.csv qsnr/qsnr.csv
fig = "qsnr_bars"
fig_w = 1800
fig_h = 800
load "plots/lib/figure.gp"
data = resdir."/qsnr/qsnr_bars.csv"
all = resdir."/qsnr/qsnr.csv"
stats all using "rows" nooutput
R = STATS_max
stats all using "cols" nooutput
C = STATS_max
set title sprintf("Quantisation signal-to-noise ratio, QSNR = 10 log_{10}({/Symbol S}x^2 / {/Symbol S}(x - Q(x))^2), of %d x %d matrices (blocks along the %d columns)", R, C, C) font ",15"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "QSNR (dB)"
set yrange [0:80]
set ytics 10
set grid noxtics ytics
set xtics rotate by 35 right font ",12"
set key top right font ",12" title "data" samplen 1.5
set bmargin 11
set lmargin 9
plot data using "normal":xtic(1) lt 1 title "standard normal", \
     "" using "laplace" lt 2 title "Laplace", \
     "" using "student_t" lt 3 title "Student-t, 3 d.o.f.", \
     "" using "outliers" lt 4 title "normal + 1% outlier channels (x50)"
