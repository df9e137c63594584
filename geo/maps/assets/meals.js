// Meal points drawn from compact data (geo.maps.layers.MealPoints): one marker per point, its
// tooltip and its popup. Every text in the data was escaped on the server (geo.data.escape.esc)
// and cut into pieces kept once in a table; a tooltip or a popup is the concatenation of its
// pieces, the same HTML the server built, so nothing here turns data into markup.
//   jpMeals(parent, {t: [piece, ...], p: [[id, lat, lon, approx, tooltip, popup, icon], ...]},
//           {maxWidth, padTopLeft})
//     parent:  a feature group or a marker cluster group (geo.maps.layers.MealCluster)
//     id:      the point's id (escaped), lat/lon: where it is drawn (already in the base's datum)
//     approx:  1 when its position is not real (hollow and dashed; read by the cluster's icon)
//     tooltip, popup: lists of indexes into t
//     icon:    the marker's HTML (<div class="jp-meal" data-id=...>, drawn by assets/map.css)
function jpMeals(parent, data, opts) {
  var t = data.t;
  function text(ix) {
    var out = '';
    for (var i = 0; i < ix.length; i++) { out += t[ix[i]]; }
    return out;
  }
  for (var i = 0; i < data.p.length; i++) {
    var p = data.p[i], approx = !!p[3];
    var marker = L.marker([p[1], p[2]], {
      jpId: p[0],
      jpApprox: approx,
      icon: L.divIcon({html: p[6], iconSize: [26, 26], iconAnchor: [13, 13], className: 'jp-icon'})
    });
    marker.bindTooltip('<div>' + text(p[4]) + '</div>', {sticky: true});
    var box = document.createElement('div');
    box.style.width = '100.0%';
    box.style.height = '100.0%';
    box.innerHTML = text(p[5]);
    marker.bindPopup(L.popup({maxWidth: opts.maxWidth, autoPanPaddingTopLeft: opts.padTopLeft}).setContent(box));
    marker.addTo(parent);
  }
}
