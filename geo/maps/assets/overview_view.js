// The overview's view, applied in the browser. The map holds every record of the dataset and
// stays the same across filter changes (so the page resends nothing of it); what the filters
// show comes from the page, in the data-jp-view attribute of its KPI strip
// (geo.views.overview.view_payload): which projects and meal points are shown, which layers,
// the subdistrict to emphasise, the tooltips and the legend for the view (HTML built and
// escaped on the server), and where to move the map. Nothing here turns data into markup: the
// ids are compared as strings, and the HTML is the server's.
// A layer's checkbox on the page acts on the map at once; the page's rerun then confirms it.
//   jpOverviewView(map, groups, {emphasis, toggles})
//     groups:   {sub, proj, meal} feature groups (geo.maps.cache, geo.maps.external)
//     emphasis: what the emphasised subdistrict adds to its style (geo.maps.layers)
//     toggles:  {sub, proj, meal} -> the class of the page element holding that layer's checkbox
function jpOverviewView(map, groups, opts) {
  var last = null, lastFocus = null, timer = null, observer = null;
  var all = {proj: [], meal: []};
  var cluster = null, geojson = null, emphasis = null, dwIcon = null;

  function collect() {
    if (groups.proj) {
      groups.proj.eachLayer(function (l) { if (l.options && l.options.jpId !== undefined) { all.proj.push(l); } });
    }
    if (groups.meal) {
      groups.meal.eachLayer(function (l) {
        if (typeof l.getVisibleParent === 'function') { cluster = l; }  // a marker cluster group
      });
      if (cluster) { all.meal = cluster.getLayers().slice(); }
      else { groups.meal.eachLayer(function (l) { if (l.options && l.options.jpId !== undefined) { all.meal.push(l); } }); }
    }
    if (groups.sub) {
      groups.sub.eachLayer(function (l) { if (l instanceof L.GeoJSON) { geojson = l; } });
    }
    if (geojson) {
      var base = geojson.options.style;
      geojson.options.style = function (f) {
        var s = typeof base === 'function' ? base(f) : (base || {});
        if (emphasis && f && f.properties && f.properties.code === emphasis) {
          return L.extend({}, s, opts.emphasis);
        }
        return s;
      };
    }
  }

  function show(group, layer, on) {
    if (on && !group.hasLayer(layer)) { group.addLayer(layer); }
    if (!on && group.hasLayer(layer)) { group.removeLayer(layer); }
  }

  function layerOn(group, on) {
    if (!group) { return; }
    if (on && !map.hasLayer(group)) { map.addLayer(group); }
    if (!on && map.hasLayer(group)) { map.removeLayer(group); }
  }

  function apply(v) {
    var p = {}, m = {}, i;
    for (i = 0; i < v.p.length; i++) { p[v.p[i]] = true; }
    for (i = 0; i < v.m.length; i++) { m[v.m[i]] = true; }
    layerOn(groups.sub, v.layers.indexOf('sub') >= 0);
    layerOn(groups.proj, v.layers.indexOf('proj') >= 0);
    layerOn(groups.meal, v.layers.indexOf('meal') >= 0);
    for (i = 0; i < all.proj.length; i++) {
      var l = all.proj[i], id = l.options.jpId;
      if (id === 'dw') {
        show(groups.proj, l, !!v.dw);
        if (v.dw) {
          l.setIcon(L.divIcon(L.extend({}, l.options.icon.options, {html: v.dw.icon})));
          if (l.getPopup()) { l.getPopup().setContent(v.dw.popup); }
        }
      } else {
        show(groups.proj, l, !!p[id]);
      }
    }
    if (cluster) {
      var on = [];
      for (i = 0; i < all.meal.length; i++) { if (m[all.meal[i].options.jpId]) { on.push(all.meal[i]); } }
      cluster.clearLayers();
      cluster.addLayers(on);
    } else {
      for (i = 0; i < all.meal.length; i++) { show(groups.meal, all.meal[i], !!m[all.meal[i].options.jpId]); }
    }
    if (geojson) {
      emphasis = v.sub;
      geojson.eachLayer(function (l) {
        var code = l.feature && l.feature.properties && l.feature.properties.code;
        if (code !== undefined && v.tips[code] !== undefined) { l.feature.properties.tip = v.tips[code]; }
        geojson.resetStyle(l);
      });
    }
    if (typeof jpLegendUpdate === 'function') { jpLegendUpdate(v.legend); }
    var focus = v.focus ? JSON.stringify(v.focus) : null;
    if (focus && focus !== lastFocus) { map.setView([v.focus[0], v.focus[1]], v.focus[2]); }
    lastFocus = focus;
  }

  function source() {
    try {
      var els = window.parent.document.querySelectorAll('[data-jp-view]');
      return els.length ? els[els.length - 1].getAttribute('data-jp-view') : null;
    } catch (e) {
      return null;  // the page cannot be read: the map shows every record
    }
  }

  function check() {
    timer = null;
    var s = source();
    if (s === null || s === last) { return; }
    var v;
    try { v = JSON.parse(s); } catch (e) { return; }
    last = s;
    apply(v);
    document.documentElement.setAttribute('data-jp-view-applied', v.n);
  }

  // A layer checkbox changed on the page (Streamlit's checkbox marks its element with
  // data-selected="true" while it is ticked): show or hide that layer now, whatever changed
  // it (a click, a key).
  function toggled(el) {
    var toggles = opts.toggles || {};
    if (!el || typeof el.closest !== 'function') { return; }
    for (var k in toggles) {
      if (Object.prototype.hasOwnProperty.call(toggles, k) && el.closest('.' + toggles[k])) {
        layerOn(groups[k], el.getAttribute('data-selected') === 'true');
        return;
      }
    }
  }

  collect();
  check();
  try {
    observer = new window.parent.MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].attributeName === 'data-selected') { toggled(records[i].target); }
      }
      if (timer === null) { timer = setTimeout(check, 0); }
    });
    observer.observe(window.parent.document.body, {subtree: true, childList: true, attributes: true,
                                                    attributeFilter: ['data-jp-view', 'data-selected']});
    window.addEventListener('pagehide', function () { observer.disconnect(); });
  } catch (e) {
    observer = null;
  }
}
