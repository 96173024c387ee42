// Charts of the merchant overview and the KOL centre, drawn with the site's ECharts (static/vendor/echarts.min.js)
// from the page's JSON (<script type="application/json" id="chart-data">): days on the x axis, counts as bars on
// the left axis and GMV (fen, shown in yuan) as a line on the right.
(function () {
  function draw() {
    var el = document.getElementById("sales-chart");
    var data = document.getElementById("chart-data");
    if (!el || !data || !window.echarts) { return; }
    var d = JSON.parse(data.textContent);
    var series = [];
    if (d.clicks) { series.push({ name: d.labels.clicks, type: "bar", data: d.clicks, itemStyle: { color: "#f3a79f" } }); }
    series.push({ name: d.labels.orders, type: "bar", data: d.orders, itemStyle: { color: "#e2483d" } });
    series.push({ name: d.labels.gmv, type: "line", yAxisIndex: 1, smooth: true, showSymbol: false,
                  data: d.gmv_fen.map(function (f) { return f / 100; }), itemStyle: { color: "#2f6f5e" } });
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 36, right: 44, top: 34, bottom: 24 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.days, axisLabel: { fontSize: 10 } },
      yAxis: [{ type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
              { type: "value", axisLabel: { fontSize: 10, formatter: function (v) { return "¥" + v; } } }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
