/* Kaplan-Meier survival with its confidence band (survival.html, data in #km-data). */
(function () {
  var el = document.getElementById("km-chart");
  var source = document.getElementById("km-data");
  if (!el || !source || !window.echarts) { return; }
  var rows = JSON.parse(source.textContent);
  var survival = rows.map(function (r) { return [r[0], r[1]]; });
  var lower = rows.map(function (r) { return [r[0], r[2]]; });
  var upper = rows.map(function (r) { return [r[0], r[3]]; });
  var chart = echarts.init(el);
  // The band: the area under the upper bound in blue, the area under the lower bound painted
  // over in white, then the curve on top.
  chart.setOption({
    grid: {left: 50, right: 20, top: 20, bottom: 40},
    tooltip: {trigger: "axis", formatter: function (p) { var i = p[0].dataIndex; return rows[i][0] + " d: " + (rows[i][1] * 100).toFixed(1) + "% (" + (rows[i][2] * 100).toFixed(1) + "–" + (rows[i][3] * 100).toFixed(1) + "%)"; }},
    xAxis: {type: "value", name: "days", nameLocation: "middle", nameGap: 25, max: "dataMax"},
    yAxis: {type: "value", min: 0, max: 1, axisLabel: {formatter: function (v) { return Math.round(v * 100) + "%"; }}},
    series: [
      {name: "upper", type: "line", data: upper, step: "end", symbol: "none", lineStyle: {opacity: 0}, areaStyle: {color: "#bfdbfe", opacity: 1}, z: 1},
      {name: "lower", type: "line", data: lower, step: "end", symbol: "none", lineStyle: {opacity: 0}, areaStyle: {color: "#ffffff", opacity: 1}, z: 2},
      {name: "survival", type: "line", data: survival, step: "end", symbol: "none", lineStyle: {color: "#1d4ed8", width: 2}, z: 3}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
