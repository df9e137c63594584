/* Read a finder card aloud (pages/finder.py in the elder mode) with the browser's own speech
   synthesis, in the page's language. The button stays hidden while the browser has no voice
   for that language (the list of voices may arrive late: "voiceschanged").

   jpFinderSay(script, opts): ``script`` is the calling script element (document.currentScript),
   whose box holds the button; ``opts`` = {text, lang ("zh-CN" or "en-US"), label, stop}, written
   by geo.views.finder.say_html with Jinja's tojson. The text is only ever given to
   SpeechSynthesisUtterance and the labels to textContent: nothing becomes markup. */
var jpFinderSay = window.jpFinderSay || (function () {
  var synth = window.speechSynthesis;
  var current = null; // the button whose card is being read
  var buttons = [];

  function norm(l) { return String(l || '').replace(/_/g, '-').toLowerCase(); }

  // The best voice for "zh-CN" (Mandarin: never Cantonese) or "en-US" (any English), or null.
  function voiceFor(lang) {
    if (!synth || typeof synth.getVoices !== 'function') return null;
    var want = norm(lang), base = want.split('-')[0], best = null, rank = 99;
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var v = norm(voices[i].lang), r = 99;
      if (v === want) r = 0;
      else if (base === 'zh') {
        if (v.indexOf('cmn') === 0 || v.indexOf('zh-hans') === 0) r = 1;
        else if (v === 'zh' || v === 'zh-sg') r = 2;
        else if (v === 'zh-tw' || v.indexOf('zh-hant-tw') === 0) r = 3;
      } else if (v.split('-')[0] === base) r = 1;
      if (r < rank) { rank = r; best = voices[i]; }
    }
    return best;
  }

  // Sentences of at most ~120 characters (long utterances stop early in some browsers).
  function chunks(text) {
    var parts = String(text).match(/[^。！？.!?]+[。！？.!?]*/g) || [String(text)], out = [];
    parts.forEach(function (p) {
      p = p.trim();
      while (p.length > 120) { out.push(p.slice(0, 120)); p = p.slice(120); }
      if (p) out.push(p);
    });
    return out;
  }

  function reset(btn) {
    if (!btn || !btn.jpSay) return;
    btn.textContent = btn.jpSay.label;
    btn.setAttribute('aria-pressed', 'false');
  }

  function done(btn) {
    return function () { if (current === btn) { reset(btn); current = null; } };
  }

  function speak(btn) {
    var o = btn.jpSay;
    synth.cancel();
    if (current === btn) { reset(btn); current = null; return; } // a second tap stops
    reset(current);
    current = btn;
    btn.textContent = o.stop;
    btn.setAttribute('aria-pressed', 'true');
    var voice = voiceFor(o.lang), list = chunks(o.text);
    list.forEach(function (part, i) {
      var u = new SpeechSynthesisUtterance(part);
      u.lang = o.lang;
      if (voice) u.voice = voice;
      u.rate = 0.9; // a little slower than usual
      if (i === list.length - 1) u.onend = done(btn);
      u.onerror = done(btn);
      synth.speak(u);
    });
  }

  function show(btn) { btn.hidden = !voiceFor(btn.jpSay.lang); }

  if (synth && typeof synth.addEventListener === 'function') {
    synth.addEventListener('voiceschanged', function () {
      buttons = buttons.filter(function (b) { return b.isConnected; });
      buttons.forEach(show);
    });
  }

  return function (script, opts) {
    var box = script && script.parentNode;
    var btn = box && box.querySelector('button.fd-say');
    if (!btn || !opts) return;
    if (!synth || typeof window.SpeechSynthesisUtterance === 'undefined') { btn.hidden = true; return; }
    btn.jpSay = opts;
    btn.textContent = opts.label;
    btn.setAttribute('aria-pressed', 'false');
    btn.addEventListener('click', function () { speak(btn); });
    buttons = buttons.filter(function (b) { return b.isConnected; });
    buttons.push(btn);
    show(btn);
  };
})();
window.jpFinderSay = jpFinderSay;
