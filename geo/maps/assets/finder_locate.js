// The finder map's "my location" button and its message box, written against Leaflet only.
//
// jpFinderLocate(map, opts): opts = {msgs: {outcome: text}, gcj: bool, coarseM: metres,
// label: the button's text, color: the accuracy circle's}, filled in by geo/maps/finder.py
// with Jinja's tojson. A found position becomes a map click, which st_folium returns as
// last_clicked like a tap; with a GCJ-02 base map it is shifted with jpWgsToGcj
// (finder_wgs_to_gcj.js) first. The outcomes mirror geo.maps.finder.locate_outcome.
function jpFinderLocate(map, opts) {
  var msgs = opts.msgs, gcj = opts.gcj, coarseM = opts.coarseM;
  var box = null;
  function say(key, m) {
    if (!box) { return; }
    var text = msgs[key] || key;
    if (m !== undefined) { text = text.replace('{m}', m); }
    box.textContent = text; box.style.display = 'block';
    box.setAttribute('data-outcome', key);
  }
  var Msg = L.Control.extend({options: {position: 'bottomleft'}, onAdd: function(){
    box = L.DomUtil.create('div', 'fd-locmsg');
    box.setAttribute('role', 'status'); box.setAttribute('aria-live', 'polite'); box.style.display = 'none';
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(box, 'click', function(){ box.style.display = 'none'; });
    return box; }});
  new Msg().addTo(map);
  var Btn = L.Control.extend({options: {position: 'topright'}, onAdd: function(){
    var a = L.DomUtil.create('a', 'fd-locate');
    a.href = '#'; a.setAttribute('role', 'button'); a.textContent = opts.label;
    L.DomEvent.disableClickPropagation(a);
    L.DomEvent.on(a, 'click', function(e){
      L.DomEvent.stop(e);
      if (window.isSecureContext === false) { say('insecure'); return; }
      if (!navigator.geolocation) { say('unsupported'); return; }
      say('searching');
      map.locate({setView: false, enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
    return a; }});
  new Btn().addTo(map);
  var acc = null;
  map.on('locationfound', function(e){
    var ll = e.latlng;
    if (e.accuracy > coarseM) { say('coarse', Math.round(e.accuracy)); } else { say('found'); }
    if (gcj) { var g = jpWgsToGcj(ll.lng, ll.lat); ll = L.latLng(g[1], g[0]); }
    if (acc) { map.removeLayer(acc); }
    acc = L.circle(ll, {radius: e.accuracy || 0, color: opts.color, weight: 1, fillOpacity: 0.08, interactive: false}).addTo(map);
    map.fire('click', {latlng: ll});   // st_folium returns it as last_clicked, like a tap
  });
  map.on('locationerror', function(e){
    say({0: 'unsupported', 1: 'denied', 2: 'unavailable', 3: 'timeout'}[e.code] || 'unavailable');
  });
}
