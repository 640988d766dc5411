/* The fund's paid, owed and available amounts per line (fund_detail.html, data in #line-data). */
(function () {
  var el = document.getElementById("line-chart");
  if (!el || !window.echarts) { return; }
  var d = JSON.parse(document.getElementById("line-data").textContent);
  if (!d.labels.length) { el.style.display = "none"; return; }
  var chart = echarts.init(el);
  function series(name, data, color) { return {name: name, type: "bar", stack: "all", data: data.map(Number), itemStyle: {color: color}}; }
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {top: 0},
    grid: {left: 10, right: 20, top: 30, bottom: 10, containLabel: true},
    xAxis: {type: "value", axisLabel: {hideOverlap: true, formatter: function (v) { return v >= 1e6 ? (v / 1e6) + "M" : v >= 1e3 ? (v / 1e3) + "k" : v; }}}, yAxis: {type: "category", data: d.labels, inverse: true, axisLabel: {width: 160, overflow: "truncate"}},
    series: [series(d.names[0], d.paid, "#15803d"), series(d.names[1], d.owed, "#1d4ed8"), series(d.names[2], d.available, "#cbd5e1")]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
