// The base map's controls, written against Leaflet only (no plugin, nothing loaded from elsewhere):
// a full-screen button, an optional locate-me button, the data attribution, and
// accessible names for markers. Called by geo.maps.base with values from Python:
//   jpControls(map, {attribution, fullscreen: {title, glyph}, locate: {title, glyph} | null})
function jpControls(map, opts) {
  if (map.attributionControl) { map.attributionControl.addAttribution(opts.attribution); }
  var Btn = L.Control.extend({
    options: {position: 'topleft'},
    initialize: function(o){ L.setOptions(this, o); },
    onAdd: function(){
      var bar = L.DomUtil.create('div', 'leaflet-bar jp-ctl');
      var a = L.DomUtil.create('a', 'jp-btn ' + this.options.cls, bar);
      a.href = '#'; a.title = this.options.title; a.setAttribute('role', 'button');
      a.setAttribute('aria-label', this.options.title); a.innerHTML = this.options.glyph;
      var fn = this.options.fn;
      L.DomEvent.on(a, 'click', function(e){ L.DomEvent.stop(e); fn(); });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });
  new Btn({cls: 'jp-fullscreen', glyph: opts.fullscreen.glyph, title: opts.fullscreen.title, fn: function(){
    var el = map.getContainer();
    var doc = document;
    if (doc.fullscreenElement || doc.webkitFullscreenElement) {
      (doc.exitFullscreen || doc.webkitExitFullscreen).call(doc);
    } else if (el.requestFullscreen) { el.requestFullscreen(); }
    else if (el.webkitRequestFullscreen) { el.webkitRequestFullscreen(); }
    setTimeout(function(){ map.invalidateSize(); }, 300);
  }}).addTo(map);
  // accessible markers: Leaflet gives every marker icon role=button and tabindex=0. An
  // interactive one without visible text is named by its tooltip's text (parsed inertly,
  // never inserted); a non-interactive one (a label, a background point) is not a button
  // and leaves the tab order.
  function a11y(l){
    if (!(l instanceof L.Marker)) { return; }
    var el = l.getElement && l.getElement();
    if (!el) { return; }
    if (!l.options.interactive) {
      el.removeAttribute('role'); el.removeAttribute('tabindex'); el.setAttribute('aria-hidden', 'true'); return;
    }
    var tt = l.getTooltip && l.getTooltip(), c = tt && tt.getContent();
    if (typeof c === 'string' && c && !el.getAttribute('aria-label')) {
      var txt = new DOMParser().parseFromString(c, 'text/html').body.textContent.trim();
      // an icon with visible text is named by that text (WCAG 2.5.3, label in name)
      // (text under aria-hidden, such as a sector glyph's SVG, is not a name)
      var vis = el.cloneNode(true);
      vis.querySelectorAll('[aria-hidden="true"]').forEach(function(n){ n.remove(); });
      if (txt && !vis.textContent.trim()) { el.setAttribute('aria-label', txt); }
    }
  }
  // deferred: folium sets a marker's icon and tooltip after adding it
  function later(l){ setTimeout(function(){ a11y(l); }, 0); }
  map.eachLayer(later);
  map.on('layeradd', function(e){ later(e.layer); });
  if (opts.locate) {
    new Btn({cls: 'jp-locate', glyph: opts.locate.glyph, title: opts.locate.title, fn: function(){
      if (!navigator.geolocation) { return; }
      map.locate({setView: true, maxZoom: 15});
    }}).addTo(map);
    var me = null;
    map.on('locationfound', function(e){
      if (me) { map.removeLayer(me); }
      me = L.circle(e.latlng, {radius: e.accuracy, color: '#0b57d0', weight: 2, fillOpacity: 0.1}).addTo(map);
    });
  }
}
