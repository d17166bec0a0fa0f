// The alert queue updates in place: every few seconds it asks the server for
// the same page of the list (same filters) and swaps in the rows. New alerts
// are announced politely in #queue-news (aria-live) and focus never moves:
// while focus is inside the list the swap waits until it leaves.
(function () {
  "use strict";
  var table = document.getElementById("alert-queue");
  var rows = document.getElementById("alert-rows");
  var news = document.getElementById("queue-news");
  var total = document.getElementById("queue-total");
  if (!table || !rows || !table.dataset.live) { return; }
  var EVERY_MS = 10000;
  var known = {};
  var waiting = null;  // rows to show once focus leaves the list
  var lastRows = null;
  Array.prototype.forEach.call(rows.querySelectorAll("[data-alert-id]"), function (tr) {
    known[tr.getAttribute("data-alert-id")] = true;
  });

  function focusInside() {
    return table.contains(document.activeElement);
  }

  function show(html) {
    if (focusInside()) { waiting = html; return; }
    waiting = null;
    rows.innerHTML = html;
  }

  function announce(text) {
    if (!text || !news) { return; }
    // Emptied first, so the same words are read again if they repeat.
    news.textContent = "";
    setTimeout(function () { news.textContent = text; }, 100);
  }

  function heard(data) {
    var urgent = data.urgent.filter(function (a) { return !known[a.id]; });
    var fresh = data.fresh.filter(function (id) { return !known[id]; });
    data.ids.forEach(function (id) { known[id] = true; });
    if (urgent.length) {
      announce((urgent.length === 1 ? "New urgent alert: " : urgent.length + " new urgent alerts: ") +
               urgent.map(function (a) { return a.summary; }).join("; ") + ".");
    } else if (fresh.length) {
      announce(fresh.length === 1 ? "1 new alert." : fresh.length + " new alerts.");
    }
    if (total) { total.textContent = data.total + " open"; }
    if (data.rows !== lastRows) {
      lastRows = data.rows;
      show(data.rows);
    }
  }

  function poll() {
    fetch(table.dataset.live, { credentials: "same-origin", cache: "no-store",
                                headers: { "Accept": "application/json" } })
      .then(function (resp) {
        var json = (resp.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return resp.ok && json ? resp.json() : null;  // logged out: a login page, left alone
      })
      .then(function (data) { if (data) { heard(data); } })
      .catch(function () {});
  }

  table.addEventListener("focusout", function (event) {
    if (waiting !== null && !table.contains(event.relatedTarget)) {
      var html = waiting;
      setTimeout(function () { show(html); }, 0);
    }
  });
  setInterval(poll, EVERY_MS);
}());
