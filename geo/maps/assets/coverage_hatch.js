// The diagonal hatch that fills the coverage page's gap polygons: an SVG <pattern> with
// the given id, added to the page once (the gap layer's fill is url(#id)).
(function (id) {
  if (document.getElementById(id)) { return; }
  var d = document.createElement('div');
  d.setAttribute('aria-hidden', 'true');
  d.innerHTML = '<svg width="0" height="0" style="position:absolute"><defs>'
    + '<pattern id="' + id + '" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">'
    + '<rect width="8" height="8" fill="rgba(40,40,40,0.06)"/>'
    + '<line x1="0" y1="0" x2="0" y2="8" stroke="#222" stroke-width="1.4" stroke-opacity="0.5"/></pattern></defs></svg>';
  document.body.appendChild(d);
})
