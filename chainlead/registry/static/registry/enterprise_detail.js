/* A firm's yearly indicators (enterprise_detail.html, data in #indicator-data). */
(function () {
  var data = JSON.parse(document.getElementById("indicator-data").textContent);
  var chart = echarts.init(document.getElementById("indicator-chart"));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.revenue, data.labels.rd_spend, data.labels.employees] },
    grid: { left: 70, right: 70, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: [
      { type: "value", name: data.labels.money },
      { type: "value", name: data.labels.people, splitLine: { show: false } }
    ],
    series: [
      { name: data.labels.revenue, type: "bar", data: data.revenue },
      { name: data.labels.rd_spend, type: "bar", data: data.rd_spend },
      { name: data.labels.employees, type: "line", yAxisIndex: 1, data: data.employees, connectNulls: true }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
