// Meal points clustered where their tiles would overlap (Leaflet.markercluster, served by the
// app from static/vendor). A circle says how many points it holds; the numbers split as the
// map zooms in. A tap, a click, Enter or Space on a circle zooms in (or, where the points share
// a position, fans them out), and is kept from the map's own click handling: streamlit-folium
// reports a layer's click to the page, which matches clicks to records by position, so a
// circle is never "clicked" as a record. Every point stays in the page's list as well.
// Called by geo.maps.layers.MealCluster:
//   jpMealCluster({radius, label})  ->  an L.MarkerClusterGroup
//     radius: pixels within which points are drawn as one circle
//     label:  a circle's accessible name, "{n}" standing for its number of points
function jpMealCluster(opts) {
  var Icon = L.DivIcon.extend({
    createIcon: function (old) {
      var el = L.DivIcon.prototype.createIcon.call(this, old);
      el.jpCluster = this.options.cluster;  // (an element may be reused for another circle)
      el.setAttribute('aria-label', opts.label.replace('{n}', String(this.options.count)));
      return el;
    }
  });
  var group = L.markerClusterGroup({
    maxClusterRadius: opts.radius,
    showCoverageOnHover: false,
    // every marker of the view stays in the page, also when the map is panned
    removeOutsideVisibleBounds: false,
    spiderLegPolylineOptions: {weight: 2, color: '#1B5E20', opacity: 0.8},
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount(), kids = cluster.getAllChildMarkers(), approx = 0;
      for (var i = 0; i < kids.length; i++) { if (kids[i].options.jpApprox) { approx++; } }
      // the same looks as the points: hollow and dashed when no position in it is real
      var look = approx === n ? 'approx' : (approx ? 'mixed' : 'real');
      var size = n < 10 ? 36 : 42;
      // above the project pins (zIndexOffset 1000, geo.maps.layers): a pin's head stays
      // visible above its point, a circle's number is never hidden under a pin
      cluster.options.zIndexOffset = 2000;
      return new Icon({
        html: '<div class="jp-cluster" data-n="' + n + '" data-look="' + look + '"><span>' + n + '</span></div>',
        className: 'jp-icon jp-cluster-icon', iconSize: L.point(size, size), cluster: cluster, count: n
      });
    }
  });

  function circleOf(e) {
    var el = e.target && e.target.closest ? e.target.closest('.jp-cluster-icon') : null;
    return el && el.jpCluster && el.jpCluster._group ? el.jpCluster : null;
  }
  // one set of listeners per map, in the capture phase, before Leaflet's own on the container
  // (the feature group holding a cluster is rebuilt when the filters change)
  function bind(map) {
    var box = map.getContainer();
    if (box.jpClusterBound) { return; }
    box.jpClusterBound = true;
    box.addEventListener('click', function (e) {
      var c = circleOf(e);
      if (!c) { return; }
      e.stopPropagation(); e.preventDefault();
      c._group._zoomOrSpiderfy({layer: c, originalEvent: e});
    }, true);
    box.addEventListener('dblclick', function (e) {
      if (circleOf(e)) { e.stopPropagation(); e.preventDefault(); }
    }, true);
    box.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' && e.key !== ' ') { return; }
      var c = circleOf(e);
      if (!c) { return; }
      e.stopPropagation(); e.preventDefault();
      // (keyCode 13: the plugin gives the keyboard focus back to the map)
      c._group._zoomOrSpiderfy({layer: c, originalEvent: {keyCode: 13}});
    }, true);
  }
  group.on('add', function () { bind(group._map); });
  return group;
}
