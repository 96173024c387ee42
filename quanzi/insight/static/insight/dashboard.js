// The insight dashboards' charts, drawn with the site's ECharts (static/vendor/echarts.min.js) from each panel's
// JSON (<script type="application/json" id="<metric key>">): line and bar (x axis + series), funnel, heatmap.
(function () {
  var palette = ["#e2483d", "#2f6f5e", "#f3a79f", "#4a6fa5", "#d89b2b", "#8c6bb1"];
  function draw(el) {
    var key = el.id.replace(/^chart-/, "");
    var data = document.getElementById(key);
    if (!data || !window.echarts) { return; }
    var d = JSON.parse(data.textContent);
    var option;
    if (d.type === "funnel") {
      option = { color: palette, tooltip: { trigger: "item" },
        series: [{ type: "funnel", left: 10, right: 10, top: 10, bottom: 10, sort: "none", minSize: "10%",
                   label: { position: "inside", formatter: "{b}: {c}", fontSize: 11 }, data: d.steps }] };
    } else if (d.type === "heatmap") {
      var max = 0; d.cells.forEach(function (c) { if (c[2] > max) { max = c[2]; } });
      option = { tooltip: { position: "top" }, grid: { left: 70, right: 10, top: 10, bottom: 50 },
        xAxis: { type: "category", data: d.x, axisLabel: { fontSize: 10 } },
        yAxis: { type: "category", data: d.y, axisLabel: { fontSize: 10 } },
        visualMap: { min: 0, max: max || 1, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                     itemHeight: 80, textStyle: { fontSize: 10 }, inRange: { color: ["#fdecea", "#e2483d"] } },
        series: [{ name: d.name, type: "heatmap", data: d.cells }] };
    } else {
      option = { color: palette, grid: { left: 44, right: 12, top: 34, bottom: 28 },
        legend: { top: 0, textStyle: { fontSize: 11 } }, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.x, axisLabel: { fontSize: 10 } },
        yAxis: { type: "value", axisLabel: { fontSize: 10 } },
        series: d.series.map(function (s) {
          return { name: s.name, type: d.type, data: s.data, smooth: false, showSymbol: d.type === "line" };
        }) };
    }
    option.animation = false;  // drawn at once: a dashboard is read, not watched
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".insight-chart"), draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
