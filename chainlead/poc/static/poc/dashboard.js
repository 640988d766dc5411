/* Proof-of-concept funding flows as a Sankey diagram (dashboard.html, data in #sankey-data). */
(function () {
  var el = document.getElementById("sankey");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById("sankey-data").textContent);
  if (!data.links.length) { el.textContent = el.getAttribute("data-empty") || "—"; return; }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "item"},
    series: [{type: "sankey", data: data.nodes, links: data.links, emphasis: {focus: "adjacency"},
              nodeAlign: "left", lineStyle: {color: "gradient", curveness: 0.5}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
