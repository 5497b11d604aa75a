// Amends: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // On a phone, what is folded for narrow screens starts folded (the inbox's filters),
  // so the cases are the first thing seen; wider screens keep it open.
  if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-narrow]"), function (d) { d.open = false; });
  }
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
  // A restatement is also checked against the complaint: the concerns it leaves out are
  // marked in the customer's words (offsets count Unicode code points, as the server's do).
  var complaint = document.querySelector("[data-complaint]");
  var complaintText = complaint ? complaint.textContent : "";
  function markConcerns(findings) {
    if (!complaint) return;
    var chars = Array.from(complaintText);
    var spans = findings
      .filter(function (f) { return f.kind === "missed_concern"; })
      .sort(function (a, b) { return a.start - b.start; });
    var parts = [];
    var at = 0;
    spans.forEach(function (f) {
      if (f.start < at || f.end > chars.length) return;
      parts.push(document.createTextNode(chars.slice(at, f.start).join("")));
      var mark = document.createElement("mark");
      mark.className = "concern";
      mark.title = "Not in your restatement: " + f.concern_id.replace(/_/g, " ");
      mark.textContent = chars.slice(f.start, f.end).join("");
      parts.push(mark);
      at = f.end;
    });
    parts.push(document.createTextNode(chars.slice(at).join("")));
    complaint.replaceChildren.apply(complaint, parts);
  }
  function coachFor(field) {
    var form = field.form;
    var out = form && form.querySelector("[data-coach-output]");
    if (!out || !csrf) return;
    var fields = form.querySelectorAll("[data-coach]");
    var text = Array.prototype.map.call(fields, function (f) { return f.value; }).join("\n");
    var against = field.dataset.case && field.dataset.coach === "restatement";
    if (!text.trim()) { out.replaceChildren(); if (against) markConcerns([]); return; }
    var ask = { text: text, step: field.dataset.coach };
    // With the case, the coach also reads how the customer felt (restatement and apology).
    if (field.dataset.case) ask.case_id = Number(field.dataset.case);
    fetch("/api/v1/coach", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.content },
      body: JSON.stringify(ask)
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (review) {
      if (!review) return;
      if (against) markConcerns(review.findings);
      var keep = out.querySelector("input[name='coach_override']");
      var list = document.createElement("ul");
      list.className = "findings live";
      review.findings.forEach(function (f) {
        var li = document.createElement("li");
        li.className = "sev-" + f.severity;
        var kind = document.createElement("strong");
        kind.textContent = f.kind === "missed_concern" ? "missed: \u201c" + f.concern + "\u201d"
          : f.kind === "unacknowledged_feeling" ? "their feeling" : f.kind.replace(/_/g, " ");
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" (" + f.severity + "): " + f.why + (f.suggestion ? " Try: " + f.suggestion : "")));
        list.appendChild(li);
      });
      var summary = document.createElement("p");
      summary.className = "coach-score";
      var missed = review.findings.filter(function (f) { return f.kind === "missed_concern"; }).length;
      summary.textContent = review.findings.length
        ? "Coach: " + review.score + "/100" + (missed ? " · " + missed + " of the customer's concerns not said back yet (marked in their words; sending anyway records them on the timeline)" : "")
        : "Coach: reads customer-focused ✓";
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
      body: JSON.stringify({ name: area.dataset.template, source: area.value, language: area.dataset.language || "en" })
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
  // A disclosure being sent: its counts per status, fetched again until the send ends.
  var progress = document.querySelector("[data-progress]");
  function poll() {
    fetch("/api/v1/disclosures/" + progress.dataset.progress, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
        if (!d) return;
        Object.keys(d.progress).forEach(function (s) {
          var cell = progress.querySelector("[data-status='" + s + "']");
          if (cell) cell.textContent = d.progress[s];
        });
        var status = document.getElementById("disclosure-status");
        if (status) status.textContent = d.status;
        var summary = document.getElementById("progress-summary");
        if (summary) summary.textContent = (d.status === "sending" ? "Sending: " : "All notices are queued: ") + d.progress.total + " customers.";
        // Once every notice is queued, the page is loaded again for the recipients' statuses.
        if (d.status === "sending") setTimeout(poll, 1500); else window.location.reload();
      }).catch(function () { setTimeout(poll, 5000); });
  }
  if (progress) setTimeout(poll, 1000);
  // A new disclosure: the audience counted again as its filters change.
  var audienceForm = document.querySelector("form[data-audience]");
  function amount(v) {
    v = v.trim();
    if (!/^\d+(\.\d{1,2})?$/.test(v)) return undefined;
    var parts = v.split(".");
    return Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
  }
  function recount() {
    var f = audienceForm.elements;
    var list = function (v) { return v.split(/[,\n]/).map(function (s) { return s.trim(); }).filter(Boolean); };
    var day = function (v, next) {
      if (!v) return undefined;
      var d = new Date(v + "T00:00:00Z");
      if (next) d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().replace(".000Z", "Z");
    };
    var a = { skus: list(f.skus.value), locations: list(f.locations.value), from: day(f.from.value), to: day(f.to.value, true),
              min_amount_minor: amount(f.min_amount.value), max_amount_minor: amount(f.max_amount.value) };
    var out = document.getElementById("audience");
    fetch("/api/v1/disclosures/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.content },
      body: JSON.stringify({ audience: a })
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); }).then(function (res) {
      var p = document.createElement("p");
      if (!res.ok) { p.className = "muted"; p.textContent = res.body.message || ""; out.replaceChildren(p); return; }
      p.className = "notice";
      p.setAttribute("role", "status");
      var n = document.createElement("strong");
      n.setAttribute("data-audience-count", "");
      n.textContent = res.body.count;
      p.appendChild(n);
      p.appendChild(document.createTextNode(" customers are affected."));
      var ul = document.createElement("ul");
      ul.className = "plain";
      ul.setAttribute("data-audience-sample", "");
      res.body.sample.forEach(function (m) {
        var li = document.createElement("li");
        li.textContent = m.name + " ";
        var e = document.createElement("span");
        e.className = "muted small";
        e.textContent = m.email || "no email address";
        li.appendChild(e);
        ul.appendChild(li);
      });
      out.replaceChildren(p, ul);
    }).catch(function () {});
  }
  if (audienceForm && csrf) {
    var countTimer;
    audienceForm.addEventListener("input", function (event) {
      if (!/^(skus|locations|from|to|min_amount|max_amount)$/.test(event.target.name)) return;
      clearTimeout(countTimer);
      countTimer = setTimeout(recount, 400);
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
