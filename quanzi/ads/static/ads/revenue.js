// The revenue-mix chart (operators, /ads/revenue/), drawn with the site's ECharts (static/vendor/echarts.min.js)
// from the page's JSON (<script type="application/json" id="revenue-data">): days on the x axis, one stacked bar
// series per revenue line, in yuan.
(function () {
  function draw() {
    var el = document.getElementById("revenue-chart");
    var data = document.getElementById("revenue-data");
    if (!el || !data || !window.echarts) { return; }
    var d = JSON.parse(data.textContent);
    var colours = ["#e2483d", "#2f6f5e", "#f0a030", "#5470c6", "#9a60b4"];
    var series = d.series.map(function (s, i) {
      return { name: s.name, type: "bar", stack: "revenue", itemStyle: { color: colours[i % colours.length] },
               data: s.fen.map(function (f) { return f / 100; }) };
    });
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 44, right: 8, top: 34, bottom: 24 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.days, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { fontSize: 10, formatter: function (v) { return "¥" + v; } } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
