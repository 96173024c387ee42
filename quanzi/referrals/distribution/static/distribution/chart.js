// The promoter centre's chart: commission per day over the last 14 days, drawn with the site's ECharts.
(function () {
  function draw() {
    var el = document.getElementById("commission-chart");
    var data = document.getElementById("chart-data");
    if (!el || !data || !window.echarts) { return; }
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 44, right: 8, top: 12, bottom: 24 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return "¥" + (v / 100).toFixed(2); } },
      xAxis: { type: "category", data: d.days, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { fontSize: 10, formatter: function (v) { return "¥" + v / 100; } } },
      series: [{ type: "bar", data: d.fen, itemStyle: { color: "#2f6f5e" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
