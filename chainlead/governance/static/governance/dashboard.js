/* Progress of each target towards its goal (dashboard.html, data in #progress-data). */
(function () {
  var el = document.getElementById("progress-chart");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById("progress-data").textContent);
  if (!data.labels.length) { return; }
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 150, right: 40, top: 20, bottom: 30},
    tooltip: {trigger: "axis", formatter: function (p) { var i = p[0].dataIndex; return data.labels[i] + "<br>" + (data.actual[i] === null ? "—" : data.actual[i]) + " / " + data.target[i] + " " + data.units[i] + " (" + (data.percent[i] === null ? "—" : data.percent[i] + "%") + ")"; }},
    xAxis: {type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); }, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: data.labels, inverse: true},
    series: [{type: "bar", barMaxWidth: 26, data: data.percent, itemStyle: {color: "#1d4ed8"}, label: {show: true, position: "right", formatter: "{c}%"},
              markLine: {symbol: "none", label: {show: false}, data: [{xAxis: 100}], lineStyle: {color: "#b91c1c", type: "dashed"}}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
