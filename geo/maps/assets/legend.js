// The map legend as a Leaflet control (part of the map, not of the page). It folds behind
// its title button (aria-expanded) and starts folded on a map narrower than collapseBelow
// pixels. A dynamic legend has a slot that legend_update.js fills. Called by geo.maps.legend:
//   jpLegend(map, {position, title, body, collapseBelow, dynamic})
function jpLegend(map, opts) {
  var lg = L.control({position: opts.position});
  lg.onAdd = function(){
    var d = L.DomUtil.create('div', 'jp-legend');
    d.setAttribute('role', 'region'); d.setAttribute('aria-label', opts.title);
    var b = L.DomUtil.create('button', 'jp-legend-toggle', d);
    b.type = 'button'; b.setAttribute('aria-expanded', 'true');
    var tt = L.DomUtil.create('span', '', b); tt.textContent = opts.title;
    var ch = L.DomUtil.create('span', 'chev', b); ch.textContent = '\u25be';
    var body = L.DomUtil.create('div', 'jp-legend-body', d);
    if (opts.dynamic) {
      var dyn = L.DomUtil.create('div', 'jp-legend-dyn', body);
      if (window.__jpLegendDyn !== undefined) { dyn.innerHTML = window.__jpLegendDyn; }
    }
    var st = L.DomUtil.create('div', 'jp-legend-static', body);
    st.innerHTML = opts.body;
    function set(open){ d.classList.toggle('collapsed', !open); b.setAttribute('aria-expanded', open ? 'true' : 'false');
      ch.textContent = open ? '\u25be' : '\u25b8'; }
    L.DomEvent.on(b, 'click', function(e){ L.DomEvent.stop(e); set(d.classList.contains('collapsed')); });
    set(!(map.getSize().x < opts.collapseBelow));
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  lg.addTo(map);
}
