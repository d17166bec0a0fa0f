// Refresh the transcript every 4 seconds so her new messages show while a
// keyworker types; the reply box is left alone.
(function () {
  "use strict";
  var box = document.getElementById("transcript");
  if (!box || !box.dataset.src) { return; }
  function refresh() {
    fetch(box.dataset.src, { credentials: "same-origin", cache: "no-store" })
      .then(function (resp) { return resp.ok ? resp.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("ol.transcript");
        var old = box.querySelector("ol.transcript");
        if (fresh && old && fresh.innerHTML !== old.innerHTML) { old.replaceWith(fresh); }
      })
      .catch(function () {});
  }
  setInterval(refresh, 4000);
}());
