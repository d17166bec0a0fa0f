/* Chat page: talks socket.io to the Rasa server, keeps the conversation in
   sessionStorage only (gone when the tab closes), and leaves fast.
   Everything she or the bot writes is added with textContent, never as HTML. */
(function () {
  "use strict";
  var STAR_RE = /^\/star\/[0-9]+\.[0-9]+\.[0-9a-f]{32}\.svg$/;

  var body = document.body;
  var cfg = {
    socketUrl: body.getAttribute("data-socket-url") || undefined, // undefined: this origin
    socketPath: body.getAttribute("data-socket-path") || "/socket.io",
    transports: (body.getAttribute("data-transports") || "websocket").split(","),
    exitUrl: body.getAttribute("data-exit-url"),
    maxLength: parseInt(body.getAttribute("data-max-length"), 10) || 500,
    initPayload: body.getAttribute("data-init-payload") || ""
  };
  var STORE_KEY = "c.state"; // neutral name: storage is visible in dev tools
  // Quick exit as GOV.UK's "Exit this page": Shift pressed on its own 3 times,
  // at most 5 seconds apart. No Esc shortcut: screen readers use Esc to leave
  // their modes, and it closes keyboards and menus, so it can fire by accident.
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var TYPING_TIMEOUT_MS = 20000;
  var SLOW_CONNECT_MS = 1500;

  function byId(id) { return document.getElementById(id); }
  var log = byId("log"), input = byId("input"), form = byId("composer"), statusEl = byId("status"),
    typing = byId("typing"), counter = byId("counter"), limit = byId("limit"), leave = byId("leave"), hint = byId("hint"),
    bar = byId("bar"), root = document.documentElement, pageTitle = document.title;

  var leaving = false;
  var inflight = {}; // item index -> sent, not yet acknowledged

  /* ---- Quick exit: wired first, so it works even if anything below fails. ---- */
  function blankPage() {
    // At once, before the exit site loads: nothing of the page stays on screen
    // or reachable by Tab or a screen reader. CSSOM, not a style attribute (the
    // CSP allows it), so this works even if app.css did not load.
    root.classList.add("exiting");
    root.style.setProperty("background", "#fff", "important");
    body.style.setProperty("visibility", "hidden", "important");
  }
  function leaveNow(ev) {
    if (ev) { ev.preventDefault(); }
    leaving = true;
    try { blankPage(); } catch (e) { /* leave regardless */ }
    try { sessionStorage.clear(); } catch (e) { /* blocked storage: nothing stored anyway */ }
    try { if (socket) { socket.io.reconnection(false); socket.disconnect(); } } catch (e) { /* leave regardless */ }
    try { log.textContent = ""; input.value = ""; hint.textContent = ""; document.title = ""; } catch (e) { /* leave regardless */ }
    // replace, not assign: Back must not return here.
    window.location.replace(cfg.exitUrl || leave.href);
  }
  leave.addEventListener("click", leaveNow);

  var hintTimer = null;
  function showHint(text, ms) {
    hint.textContent = text;
    clearTimeout(hintTimer);
    if (ms) { hintTimer = setTimeout(function () { hint.textContent = ""; fitBar(); }, ms); }
    fitBar();
  }

  // A press counts only if no other key (and no click) came while Shift was
  // down: Shift+A for a capital letter, in either release order, is not one.
  var shiftPresses = 0, shiftAlone = false, shiftTimer = null;
  function shiftTimedOut() {
    clearTimeout(shiftTimer);
    shiftTimer = null;
    shiftPresses = 0;
    showHint("Exit cancelled.", SHIFT_WINDOW_MS);
  }
  function isShift(ev) { return ev.key === "Shift" || ev.keyCode === 16; }
  document.addEventListener("keydown", function (ev) {
    if (leaving) { return; }
    if (isShift(ev)) {
      if (!ev.repeat) { shiftAlone = true; }
      return;
    }
    shiftAlone = false;
    if (shiftPresses) { shiftTimedOut(); }
  }, true);
  document.addEventListener("keyup", function (ev) {
    if (leaving || !isShift(ev)) { return; }
    var alone = shiftAlone && !ev.isComposing;
    shiftAlone = false;
    if (!alone) { return; }
    shiftPresses += 1;
    if (shiftPresses >= SHIFT_PRESSES) {
      clearTimeout(shiftTimer);
      shiftPresses = 0;
      leaveNow();
      return;
    }
    var left = SHIFT_PRESSES - shiftPresses;
    showHint("Shift, press " + left + " more " + (left === 1 ? "time" : "times") + " to exit.");
    clearTimeout(shiftTimer);
    shiftTimer = setTimeout(shiftTimedOut, SHIFT_WINDOW_MS);
  }, true);
  document.addEventListener("mousedown", function () { shiftAlone = false; }, true);

  // Keep focused things clear of the sticky bar (WCAG 2.4.11).
  function fitBar() {
    document.documentElement.style.setProperty("--bar-height", (bar.offsetHeight + 8) + "px");
  }
  window.addEventListener("resize", fitBar);
  fitBar();

  /* ---- The conversation, kept in this tab only. ---- */
  function emptyState() { return { sid: null, started: false, items: [] }; }
  function load() {
    try {
      var s = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (s && Array.isArray(s.items)) { return s; }
    } catch (e) { /* unreadable: start clean */ }
    return emptyState();
  }
  function save() {
    if (leaving) { return; }
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked: the chat still works */ }
  }
  var state = load();

  /* ---- Text with links: URLs, bare web addresses and UK phone numbers. ---- */
  var LINK_RE = new RegExp(
    "(https?:\\/\\/[^\\s<>\"']+)" +
    "|(\\b(?:www\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:org\\.uk|co\\.uk|gov\\.uk|nhs\\.uk|org|com|uk)(?:\\/[^\\s<>\"']*)?)" +
    "|((?:\\+44 ?|\\b0)\\d{2,4}(?: ?\\d{3,4}){1,2}\\b|\\b999\\b|\\b116 ?\\d{3}\\b)",
    "gi"
  );
  function trimPunctuation(s) { return s.replace(/[.,;:!?)]+$/, ""); }
  function appendText(parent, text, linkify) {
    if (!linkify) { parent.appendChild(document.createTextNode(text)); return; }
    var last = 0, m;
    LINK_RE.lastIndex = 0;
    while ((m = LINK_RE.exec(text)) !== null) {
      var raw = m[0], href = null;
      if (m[1] || m[2]) {
        raw = trimPunctuation(raw);
        href = m[1] ? raw : "https://" + raw;
      } else {
        var digits = raw.replace(/[^\d+]/g, "");
        if (digits.replace("+", "").length >= 3) { href = "tel:" + digits; }
      }
      if (!href || !raw) { continue; }
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement("a");
      a.href = href;
      a.textContent = raw;
      if (href.indexOf("http") === 0) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
      parent.appendChild(a);
      last = m.index + raw.length;
      LINK_RE.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* ---- Rendering. ---- */
  function scrollToEnd() {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var end = input.closest("form") || input;
    end.scrollIntoView({ block: "end", behavior: reduce ? "auto" : "smooth" });
  }
  function setNote(el, item) {
    var note = el.querySelector(".note");
    if (item.who === "user" && item.pending && !inflight[item.index]) {
      if (!note) { note = document.createElement("span"); note.className = "note"; el.appendChild(note); }
      note.textContent = "Waiting to send";
    } else if (note) {
      note.parentNode.removeChild(note);
    }
  }
  function renderItem(item, index) {
    if (item.hidden) { return null; }
    Object.defineProperty(item, "index", { value: index, enumerable: false, configurable: true });
    var el = document.createElement("div");
    el.className = "msg " + item.who;
    el.id = "m" + index;
    el.tabIndex = -1;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = item.who === "bot" ? "Reply: " : "You said: ";
    el.appendChild(who);
    var text = document.createElement("span");
    text.className = "text";
    text.dir = "auto";  // Arabic and Urdu run right to left, whichever language the page is in
    appendText(text, item.text, item.who === "bot");
    el.appendChild(text);
    if (item.image && STAR_RE.test(item.image)) {
      var img = document.createElement("img");
      img.className = "star";
      img.src = item.image;
      img.alt = item.alt || item.text || "";
      img.width = 540;
      img.height = 360;
      el.appendChild(img);
    }
    setNote(el, item);
    log.appendChild(el);
    if (item.buttons && item.buttons.length) {
      var group = document.createElement("div");
      group.className = "replies";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Reply options");
      group.id = "r" + index;
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = "Options: ";
      group.appendChild(label);
      item.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.dir = "auto";
        button.disabled = !!item.used;
        button.addEventListener("click", function () { if (!item.used) { sendText(b.payload, b.title, true); } });
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    return el;
  }
  function retireReplies() {
    state.items.forEach(function (item, index) {
      if (!item.buttons || !item.buttons.length || item.used) { return; }
      item.used = true;
      var group = byId("r" + index);
      if (group) { Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; }); }
    });
  }

  var typingTimer = null;
  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }

  /* ---- Connection state, shown in plain words. ---- */
  var shownState = null, slowTimer = null;
  function setConnection(kind) {
    if (leaving || kind === shownState) { return; }
    var previous = shownState;
    shownState = kind;
    var hadFocus = statusEl.contains(document.activeElement);
    statusEl.textContent = "";
    statusEl.className = "status";
    if (hadFocus) { input.focus(); } // its button is gone: don't drop focus on the body
    if (kind === "ok") {
      if (previous === "lost" || previous === "down" || previous === "offline") {
        statusEl.textContent = "Connected again.";
        setTimeout(function () { if (shownState === "ok") { statusEl.textContent = ""; } }, 3000);
      }
      return;
    }
    var text = {
      connecting: "Connecting\u2026",
      lost: "Connection lost. Trying again\u2026 Your messages are kept.",
      offline: "You're offline. We'll reconnect when you're back online. Your messages are kept.",
      down: "We can't reach the chat right now. We'll keep trying. If you are in danger, call 999."
    }[kind];
    statusEl.className = kind === "connecting" ? "status" : "status problem";
    var p = document.createElement("p");
    p.textContent = text;
    statusEl.appendChild(p);
    if (kind !== "connecting") {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.id = "retry";
      retry.textContent = "Try again";
      retry.addEventListener("click", retryNow);
      statusEl.appendChild(retry);
    }
  }
  function retryNow() {
    if (typeof window.io !== "function") { window.location.reload(); return; } // the client script never loaded
    if (!socket) { connect(); return; }
    socket.disconnect();
    socket.connect();
  }

  /* ---- socket.io with Rasa: session_request / session_confirm / user_uttered / bot_uttered. ---- */
  var socket = null, ready = false;

  // Messages stay pending until the server acknowledges them (Rasa acks after
  // handling), so one sent into a dropped connection is sent again, not lost.
  function flushPending() {
    if (!ready || !socket) { return; }
    var sent = false;
    state.items.forEach(function (item, index) {
      if (item.who !== "user" || !item.pending || inflight[index]) { return; }
      inflight[index] = true;
      socket.emit("user_uttered", { message: item.payload, session_id: state.sid, message_id: item.mid }, function () {
        delete inflight[index];
        item.pending = false;
        save();
        var acked = byId("m" + index);
        if (acked) { setNote(acked, item); }
      });
      sent = true;
      var el = byId("m" + index);
      if (el) { setNote(el, item); }
    });
    if (sent) { showTyping(); }
  }
  function markUnsent() {
    inflight = {};
    state.items.forEach(function (item, index) {
      var el = byId("m" + index);
      if (el && item.pending) { setNote(el, item); }
    });
  }

  // A random id per message, so the server can tell a resend from a new message.
  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sendText(payload, shown, fromButton) {
    retireReplies();
    var item = { who: "user", text: shown, payload: payload, pending: true, mid: newId() };
    state.items.push(item);
    var el = renderItem(item, state.items.length - 1);
    save();
    scrollToEnd();
    if (fromButton && el) { el.focus({ preventScroll: true }); }
    flushPending();
  }

  function cleanButtons(list) {
    if (!Array.isArray(list)) { return []; }
    return list.filter(function (b) {
      return b && typeof b.title === "string" && b.title && typeof b.payload === "string";
    }).slice(0, 12).map(function (b) { return { title: b.title, payload: b.payload }; });
  }

  function onBotMessage(msg) {
    if (!msg || typeof msg !== "object" || leaving) { return; }
    hideTyping();
    var text = typeof msg.text === "string" ? msg.text : "";
    var att = msg.attachment, image = null;
    // Her star is a picture from this site (a signed link); any other image or file is shown
    // as a link: loading it would be a request to another site.
    if (att && att.payload && typeof att.payload.src === "string") {
      if (STAR_RE.test(att.payload.src)) { image = att.payload.src; }
      else { text = (text ? text + "\n" : "") + att.payload.src; }
    }
    var buttons = cleanButtons(msg.quick_replies || msg.buttons);
    if (!text && !buttons.length && !image) { return; }
    // Older reply buttons stay usable until she answers (a reply can be several messages).
    var item = { who: "bot", text: text, buttons: buttons, image: image };
    if (image) {
      // Rasa sends the picture apart from the words that describe it: those are its alternative text.
      var before = state.items.length ? state.items[state.items.length - 1] : null;
      item.alt = text || (before && before.who === "bot" ? before.text : "");
    }
    state.items.push(item);
    renderItem(item, state.items.length - 1);
    save();
    scrollToEnd();
  }

  function connect() {
    if (typeof window.io !== "function") {
      setConnection("down");
      return;
    }
    slowTimer = setTimeout(function () { if (!ready) { setConnection("connecting"); } }, SLOW_CONNECT_MS);
    socket = window.io(cfg.socketUrl, {
      path: cfg.socketPath,
      transports: cfg.transports,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 10000
    });
    socket.on("connect", function () {
      ready = false;
      socket.emit("session_request", { session_id: state.sid });
    });
    socket.on("session_confirm", function (data) {
      var sid = typeof data === "string" ? data : data && data.session_id;
      if (!sid || leaving) { return; }
      state.sid = sid;
      ready = true;
      clearTimeout(slowTimer);
      setConnection("ok");
      if (!state.started) {
        state.started = true;
        // The bot speaks first: a hidden message, sent and acknowledged like hers.
        if (cfg.initPayload) {
          state.items.push({ who: "user", hidden: true, text: "", payload: cfg.initPayload, pending: true, mid: newId() });
        }
      }
      save();
      flushPending();
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("disconnect", function (reason) {
      ready = false;
      if (leaving) { return; }
      hideTyping();
      markUnsent();
      if (reason === "io server disconnect") { socket.connect(); }
      setConnection(navigator.onLine === false ? "offline" : "lost");
    });
    socket.on("connect_error", function () {
      ready = false;
      if (leaving) { return; }
      clearTimeout(slowTimer);
      setConnection(navigator.onLine === false ? "offline" : shownState === "lost" ? "lost" : "down");
    });
  }
  window.addEventListener("offline", function () { if (!ready) { setConnection("offline"); } });
  window.addEventListener("online", function () { if (socket && !socket.connected) { retryNow(); } });

  /* ---- Composer: length limit with a counter, Enter sends. ---- */
  var lastCounterBand = "";
  function updateCounter() {
    var n = input.value.length, left = cfg.maxLength - n;
    counter.textContent = n + " of " + cfg.maxLength + " characters";
    counter.className = left <= 0 ? "counter full" : "counter";
    // Announce only when crossing a band, not on every key.
    var band = left <= 0 ? "full" : left <= 50 ? "near" : "";
    if (band !== lastCounterBand) {
      lastCounterBand = band;
      limit.textContent = band === "near" ? left + " characters left."
        : band === "full" ? "That's the limit of " + cfg.maxLength + " characters. Send this, then carry on in a new message."
        : "";
    }
  }
  input.addEventListener("input", updateCounter);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim().slice(0, cfg.maxLength);
    if (!text) { input.focus(); return; }
    input.value = "";
    updateCounter();
    sendText(text, text, false);
    input.focus();
  });

  /* ---- Back after leaving: the browser may show this page from its
     back/forward cache, blanked as she left it. Start again, as a fresh visit
     would: no old messages (her storage was cleared when she left), a new
     conversation. ---- */
  function startAgain() {
    leaving = false;
    clearTimeout(shiftTimer); shiftTimer = null; shiftPresses = 0; shiftAlone = false;
    clearTimeout(hintTimer); hint.textContent = "";
    clearTimeout(slowTimer); hideTyping();
    log.textContent = ""; input.value = ""; updateCounter();
    shownState = null; statusEl.textContent = ""; statusEl.className = "status";
    inflight = {}; ready = false;
    try { sessionStorage.clear(); } catch (e) { /* nothing stored */ }
    state = emptyState();
    document.title = pageTitle;
    root.classList.remove("exiting");
    root.style.removeProperty("background");
    body.style.removeProperty("visibility");
    window.scrollTo(0, 0);
    fitBar();
    if (socket) { socket.io.reconnection(true); socket.connect(); } else { connect(); }
  }
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && leaving) { startAgain(); }
  });

  /* ---- Start: restore this tab's conversation, then connect. ---- */
  state.items.forEach(function (item, index) { renderItem(item, index); });
  updateCounter();
  if (state.items.length) { scrollToEnd(); }
  connect();
})();
