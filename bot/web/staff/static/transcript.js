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
        // The whole box: a "could not be loaded" note goes once the assistant answers again.
        if (doc.body.innerHTML !== box.innerHTML) { box.replaceChildren.apply(box, doc.body.childNodes); }
      })
      .catch(function () {});
  }
  setInterval(refresh, 4000);
}());
