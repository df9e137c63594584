// WGS-84 -> GCJ-02, the same formula as geo/core/datum.py (wgs84_to_gcj02); the unit
// tests run this file with node and compare it with the Python version.
function jpWgsToGcj(lon, lat) {
  if (!(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)) { return [lon, lat]; }
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  var x = lon - 105.0, y = lat - 35.0, sx = Math.sqrt(Math.abs(x));
  var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
  var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common;
  dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
  dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
  var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common;
  dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
  dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
  var rl = lat / 180.0 * PI, magic = 1 - EE * Math.sin(rl) * Math.sin(rl), sm = Math.sqrt(magic);
  dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sm) * PI);
  dlon = (dlon * 180.0) / (A / sm * Math.cos(rl) * PI);
  return [lon + dlon, lat + dlat];
}
