/* Each chain's share of the fund against the 15% minimum (shares.html, data in #share-data). */
(function () {
  var el = document.getElementById("share-chart");
  if (!el || !window.echarts) { return; }
  var d = JSON.parse(document.getElementById("share-data").textContent);
  if (!d.labels.length) { el.style.display = "none"; return; }
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 10, right: 30, top: 20, bottom: 10, containLabel: true}, tooltip: {trigger: "axis"},
    xAxis: {type: "value", axisLabel: {formatter: "{value}%"}}, yAxis: {type: "category", data: d.labels, inverse: true},
    series: [{type: "bar", data: d.share.map(Number), itemStyle: {color: "#1d4ed8"}, label: {show: true, position: "right", formatter: "{c}%"},
      markLine: {symbol: "none", data: [{xAxis: Number(d.minimum)}], lineStyle: {color: "#b91c1c", type: "dashed"}}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
