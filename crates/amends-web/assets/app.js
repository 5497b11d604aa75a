// Amends: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  function typing(target) {
    if (!target) return false;
    // A ticked box or a button has focus, not a field being typed in.
    if (target.tagName === "INPUT" && /^(checkbox|radio|submit|button)$/.test(target.type)) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }
  // Keyboard shortcuts for the daily moves; never while typing in a field.
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); };
  var selected = -1;
  function select(i) {
    var all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r, n) { r.classList.toggle("selected", n === selected); });
    var link = all[selected].querySelector("a");
    if (link) link.focus();
  }
  function click(key) {
    var el = document.querySelector("[data-shortcut='" + key + "']");
    if (el) { el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var help = document.getElementById("shortcuts");
    switch (event.key) {
      case "/": {
        var search = document.querySelector("[data-shortcut='/']");
        if (search) { event.preventDefault(); search.focus(); }
        break;
      }
      case "?":
        if (help) { help.hidden = !help.hidden; }
        break;
      case "Escape":
        if (help) { help.hidden = true; }
        break;
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "n": click("n"); break;
      case "a": click("a"); break;
      case "x": {
        var row = rows()[selected];
        var box = row && row.querySelector("[data-select]");
        if (box) { box.checked = !box.checked; }
        break;
      }
      case "s": {
        // The snooze form: open it and put the cursor in its first field.
        var snooze = document.querySelector("[data-shortcut='s']");
        if (snooze) {
          event.preventDefault();
          if (snooze.tagName === "DETAILS") snooze.open = true;
          var first = snooze.querySelector("input:not([type=hidden]), select, textarea, button");
          if (first) first.focus();
        }
        break;
      }
      case "i": window.location.href = "/inbox"; break;
      case "r": {
        var draft = document.querySelector(".step-body textarea, .step-body input[type=text], .step-body input:not([type])");
        if (draft) { event.preventDefault(); draft.focus(); }
        break;
      }
      default: return;
    }
  });

  // The language coach, live: findings appear under a draft as it is typed. The server
  // checks again on send; this only helps to write it right the first time.
  var csrf = document.querySelector("meta[name='csrf-token']");
  function coachFor(field) {
    var form = field.form;
    var out = form && form.querySelector("[data-coach-output]");
    if (!out || !csrf) return;
    var fields = form.querySelectorAll("[data-coach]");
    var text = Array.prototype.map.call(fields, function (f) { return f.value; }).join("\n");
    if (!text.trim()) { out.replaceChildren(); return; }
    fetch("/api/v1/coach", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.content },
      body: JSON.stringify({ text: text, step: field.dataset.coach })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (review) {
      if (!review) return;
      var keep = out.querySelector("input[name='coach_override']");
      var list = document.createElement("ul");
      list.className = "findings live";
      review.findings.forEach(function (f) {
        var li = document.createElement("li");
        li.className = "sev-" + f.severity;
        var kind = document.createElement("strong");
        kind.textContent = f.kind.replace(/_/g, " ");
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" (" + f.severity + "): " + f.why + (f.suggestion ? " Try: " + f.suggestion : "")));
        list.appendChild(li);
      });
      var summary = document.createElement("p");
      summary.className = "coach-score";
      summary.textContent = review.findings.length ? "Coach: " + review.score + "/100" : "Coach: reads customer-focused ✓";
      var parts = [summary];
      if (review.findings.length) parts.push(list);
      if (keep) { parts.push(keep.previousElementSibling, keep); }
      out.replaceChildren.apply(out, parts);
    }).catch(function () {});
  }
  // The template editor's live preview.
  function previewTemplate(area) {
    fetch("/api/v1/templates/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.content },
      body: JSON.stringify({ name: area.dataset.template, source: area.value })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
      if (!p) return;
      var subject = document.querySelector("[data-preview-subject]");
      var body = document.querySelector("[data-preview-body]");
      var list = document.querySelector("[data-preview-findings]");
      if (subject) subject.textContent = p.problem ? "" : p.subject;
      if (body) body.textContent = p.problem ? "The template does not work: " + p.problem : p.body;
      if (list) {
        var items = p.review.findings.map(function (f) {
          var li = document.createElement("li");
          li.className = "sev-" + f.severity;
          li.textContent = f.kind.replace(/_/g, " ") + " (" + f.severity + "): " + f.why + (f.suggestion ? " Try: " + f.suggestion : "");
          return li;
        });
        if (!items.length) { var ok = document.createElement("li"); ok.textContent = "Reads customer-focused ✓"; items.push(ok); }
        list.replaceChildren.apply(list, items);
      }
    }).catch(function () {});
  }
  // The collision guard: tell the desk we have this case open (and whether we are
  // writing), and show who else has it and whether it changed since it was loaded.
  var presence = document.getElementById("presence");
  var writing = false;
  function heartbeat() {
    if (!presence || !csrf) return;
    fetch("/api/v1/cases/" + presence.dataset.case + "/presence", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.content },
      body: JSON.stringify({ writing: writing })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
      if (!p) return;
      var lines = p.others.map(function (o) {
        return o.name + (o.writing ? " is writing on this case — agree who answers before you send." : " is viewing this case.");
      });
      if (p.version > Number(presence.dataset.version)) {
        lines.push("This case changed since you opened it. Sending now is refused; read the timeline first (reload the page).");
      }
      var items = lines.map(function (l) { var p = document.createElement("p"); p.textContent = l; return p; });
      presence.replaceChildren.apply(presence, items);
      presence.hidden = items.length === 0;
    }).catch(function () {});
  }
  if (presence) {
    heartbeat();
    setInterval(heartbeat, 10000);
    document.addEventListener("input", function (event) {
      if (!writing && event.target.closest && event.target.closest(".step-body, #note")) {
        writing = true;
        heartbeat();
      }
    });
  }
  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.template && csrf) {
      clearTimeout(timers.get(field));
      timers.set(field, setTimeout(function () { previewTemplate(field); }, 300));
      return;
    }
    if (!field.dataset || !field.dataset.coach) return;
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { coachFor(field); }, 300));
  });
})();
