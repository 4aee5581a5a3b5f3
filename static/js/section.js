// Section page enhancements: autosave in the background (the section list and progress lines
// follow each save), instant conditional questions, a live character count on long text boxes,
// options that stand alone ("None of these yet" unticks the other practices), and a
// copy of unsaved answers kept in this browser (offered back if a save never reached the server,
// e.g. because the session ended or the page's CSRF token went stale after a new log-in).
// Everything works without this script: the buttons post the form and the server re-renders.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || !form.dataset.autosaveUrl) { return; }
  var statusEl = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  var timer = null;
  var saving = false;
  var pending = false;
  var blocked = false;
  var afterSave = null;
  var DELAY_MS = 1500;
  // A copy older than this is dropped unseen: answers must not linger on a shared computer.
  var DRAFT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
  var NOT_ANSWERS = { csrfmiddlewaretoken: true, version: true, action: true };
  var PREFIX = "polis-assess-draft:";
  var POSTED = "polis-assess-posted";  // in sessionStorage: the copy this tab's full save sent
  var draftKey = form.dataset.draftKey ? PREFIX + form.dataset.draftKey : null;
  // Another tab of the same section shares the copy: a save here must not drop what it typed.
  var tabId = String(Date.now()) + Math.random();

  // Visible texts come from the template, where they are marked for translation.
  function text(key, fallback) {
    return form.getAttribute("data-text-" + key) || fallback;
  }

  function setStatus(message, isError) {
    if (!statusEl) { return; }
    statusEl.textContent = message;
    statusEl.classList.toggle("text-danger", Boolean(isError));
  }

  function chosen(fieldName, optionId) {
    var inputs = form.querySelectorAll("[name='" + fieldName + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && inputs[i].value === optionId) { return true; }
    }
    return false;
  }

  function applyConditions() {
    var dependents = form.querySelectorAll("[data-condition-field]");
    for (var i = 0; i < dependents.length; i++) {
      var el = dependents[i];
      var field = el.dataset.conditionField;
      // Only conditions on this page can change here; others were settled on earlier pages.
      if (!form.querySelector("[name='" + field + "']")) { continue; }
      el.hidden = !chosen(field, el.dataset.conditionOption);
    }
  }

  // The section list's badges and the sections' own progress lines, as the server counted them.
  function updateSections(data) {
    var nav = document.getElementById("section-nav");
    (data.sections || []).forEach(function (section) {
      var item = nav && nav.querySelector("[data-section='" + section.code + "']");
      var badge = item && item.querySelector(".section-status");
      if (badge) {
        badge.textContent = section.complete
          ? nav.dataset.textComplete : section.answered + "/" + section.required;
        badge.classList.toggle("text-bg-success", section.complete);
        badge.classList.toggle("text-bg-light", !section.complete);
        badge.classList.toggle("border", !section.complete);
      }
      var line = document.querySelector("[data-section-progress='" + section.code + "']");
      if (line) { line.textContent = section.text; }
    });
  }

  function updateProgress(data) {
    var bar = document.getElementById("progress-bar");
    var text = document.getElementById("progress-text");
    if (bar && data.progress) {
      bar.setAttribute("aria-valuenow", data.progress.percent);
      bar.setAttribute("aria-valuetext", data.progress.percent + "%");
      var inner = bar.querySelector(".progress-bar");
      inner.style.width = data.progress.percent + "%";
      inner.textContent = data.progress.percent + "%";
    }
    if (text && data.progress) {
      text.textContent = data.progress.text;
    }
  }

  // The answers on the page as [name, value] pairs, in page order (as the form would post them).
  function snapshot() {
    var pairs = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.disabled || NOT_ANSWERS[el.name]) { continue; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { pairs.push([el.name, el.value]); }
      } else if (el.type !== "submit" && el.type !== "button" && el.type !== "file") {
        pairs.push([el.name, el.value]);
      }
    }
    return pairs;
  }

  function refill(pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var used = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.disabled || NOT_ANSWERS[el.name]) { continue; }
      var given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = given.indexOf(el.value) !== -1;
      } else if (el.type !== "submit" && el.type !== "button" && el.type !== "file") {
        var index = used[el.name] || 0;
        el.value = index < given.length ? given[index] : "";
        used[el.name] = index + 1;
      }
    }
  }

  // Web storage can be missing, full or refused (private windows); the copy is a bonus then.
  function stored(area, key) {
    try {
      return JSON.parse(window[area].getItem(key) || "null");
    } catch (error) { return null; }
  }

  function store(area, key, value) {
    try {
      if (value === null) {
        window[area].removeItem(key);
      } else {
        window[area].setItem(key, JSON.stringify(value));
      }
    } catch (error) { /* nothing kept, as without this feature */ }
  }

  function readDraft() {
    var draft = draftKey ? stored("localStorage", draftKey) : null;
    return draft && Array.isArray(draft.values) ? draft : null;
  }

  // ``base`` is the version the page last knew: if it is still current when the page comes
  // back, nothing was saved since and the copy holds answers the server never received.
  function writeDraft(posted) {
    if (!draftKey) { return; }
    store("localStorage", draftKey, {
      base: versionInput.value, posted: Boolean(posted), at: Date.now(), tab: tabId,
      values: snapshot()
    });
  }

  function dropDraft(anyTab) {
    var draft = readDraft();
    if (draft && (anyTab || draft.tab === tabId)) { store("localStorage", draftKey, null); }
  }

  // Copies past their age go, whichever section or account they belong to.
  function sweep() {
    var keys = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) { keys.push(window.localStorage.key(i)); }
    } catch (error) { return; }
    keys.forEach(function (key) {
      if (!key || key.indexOf(PREFIX) !== 0) { return; }
      var copy = stored("localStorage", key);
      if (!copy || !(Date.now() - copy.at < DRAFT_MAX_AGE_MS)) { store("localStorage", key, null); }
    });
  }

  function scope(key) {
    return key.slice(0, key.lastIndexOf(":"));  // the account and round, without the section
  }

  // The first section page after a full save learns how it went: if the response's version
  // moved on, the save went through and its copy goes; if not (the session had ended, or the
  // CSRF token was stale), the copy stays as unsaved answers, to be offered on its section.
  function settlePost() {
    var post = stored("sessionStorage", POSTED);
    if (!post || !draftKey || typeof post.key !== "string" || scope(post.key) !== scope(draftKey)) {
      return;
    }
    store("sessionStorage", POSTED, null);
    var copy = stored("localStorage", post.key);
    if (!copy || !copy.posted || copy.base !== post.base) { return; }
    if (versionInput.value !== post.base) {
      store("localStorage", post.key, null);
    } else {
      copy.posted = false;
      store("localStorage", post.key, copy);
    }
  }

  function save() {
    if (blocked) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    setStatus(text("saving", "Saving…"));
    var body = new FormData(form);
    body.delete("action");
    var sent = JSON.stringify(snapshot());
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      // URL-encoded, as the form itself posts: the server reads that faster than multipart.
      body: new URLSearchParams(body),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { http: response, data: data }; },
        function () { return { http: response, data: null }; });
    }).then(function (result) {
      var data = result.data;
      if (result.http.ok && data) {
        versionInput.value = data.version;
        // Keep the copy while anything on the page is unsaved: answers typed during the save,
        // or answers the server refused (a partial save).
        if (data.status === "saved" && JSON.stringify(snapshot()) === sent) { dropDraft(); } else { writeDraft(); }
        var note = text("saved", "Saved at") + " " + data.saved_at;
        if (data.status === "partial") { note += " " + text("partial", ""); }
        setStatus(note, data.status === "partial");
        updateProgress(data);
        updateSections(data);
      } else if (data && (data.status === "conflict" || data.status === "locked")) {
        // The server's own message, in the page's language.
        blocked = true;
        setStatus(data.message, true);
      } else if (result.http.status === 403 || result.http.redirected) {
        setStatus(text("expired", "Not saved: your session has ended."), true);
      } else {
        setStatus(text("failed", "Not saved.") + " (" + result.http.status + ")", true);
      }
    }).catch(function () {
      setStatus(text("offline", "Not saved: no connection."), true);
    }).then(function () {
      saving = false;
      if (afterSave) { var next = afterSave; afterSave = null; next(); return; }
      if (pending) { pending = false; save(); }
    });
  }

  function schedule() {
    writeDraft();
    applyConditions();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, DELAY_MS);
  }

  // An option that stands alone unticks the others of its question, and any other unticks it;
  // the server refuses both together. Runs before the change is saved.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) { return; }
    var alone = box.hasAttribute("data-exclusive");
    var group = form.querySelectorAll("input[type=checkbox][name='" + box.name + "']");
    for (var i = 0; i < group.length; i++) {
      if (group[i] !== box && (alone || group[i].hasAttribute("data-exclusive"))) {
        group[i].checked = false;
      }
    }
  });
  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || event.target.type === "url" || event.target.type === "number") {
      schedule();
    }
  });
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); }
    writeDraft(true);
    if (draftKey) { store("sessionStorage", POSTED, { key: draftKey, base: versionInput.value }); }
    blocked = true;  // the full save takes over; no background save may race it
    if (saving) {
      // A background save is on its way: posting now would carry the version it replaces
      // and be refused as a conflict. Post once it is back and the version is current.
      event.preventDefault();
      afterSave = function () { form.requestSubmit(event.submitter || undefined); };
    }
  });
  function element(tag, className, content) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (content) { el.textContent = content; }
    return el;
  }

  // The notice that offers a kept copy back; built from text nodes only, never from markup.
  function offerDraft(draft) {
    var notice = element("div", "alert alert-warning");
    notice.id = "draft-notice";
    notice.setAttribute("role", "alert");
    notice.setAttribute("tabindex", "-1");
    notice.setAttribute("aria-labelledby", "draft-notice-title");
    var title = element("h2", "h5", text("draft-title", "Answers you typed here were not saved"));
    title.id = "draft-notice-title";
    var when = new Date(draft.at).toLocaleString(document.documentElement.lang || undefined);
    var body = text("draft-body", "This browser kept a copy of the answers you typed on this page (last change: %(time)s), because they did not reach the server, for example because your session had ended.").replace("%(time)s", when);
    if (draft.base !== versionInput.value) {
      body += " " + text("draft-moved", "The response has been saved from elsewhere since then: restoring replaces those answers on this page.");
    }
    var actions = element("div", "d-flex flex-wrap gap-2");
    var restore = element("button", "btn btn-primary", text("draft-restore", "Restore my unsaved answers"));
    var discard = element("button", "btn btn-outline-secondary", text("draft-discard", "Discard them"));
    restore.type = "button";
    discard.type = "button";
    actions.appendChild(restore);
    actions.appendChild(discard);
    notice.appendChild(title);
    notice.appendChild(element("p", "", body));
    notice.appendChild(actions);
    form.parentNode.insertBefore(notice, form);

    function settle(message) {
      notice.className = "alert alert-info";
      notice.replaceChildren(element("p", "mb-0", message));
      notice.removeAttribute("aria-labelledby");
      notice.focus();
    }
    restore.addEventListener("click", function () {
      refill(draft.values);
      writeDraft();  // the copy is this page's now, dropped once the save below succeeds
      applyConditions();
      settle(text("draft-restored", "Your unsaved answers are back on the page and are being saved."));
      save();
    });
    discard.addEventListener("click", function () {
      dropDraft(true);
      settle(text("draft-discarded", "The unsaved copy was discarded; the page shows the saved answers."));
    });
    notice.focus();
  }

  function checkDraft() {
    var draft = readDraft();
    if (!draft) { return; }
    var unchanged = JSON.stringify(draft.values) === JSON.stringify(snapshot());
    // Still marked as posted only if this tab was closed before the save's outcome was seen.
    var saved = draft.posted && draft.base !== versionInput.value;
    if (unchanged || saved) {
      dropDraft(true);
    } else {
      offerDraft(draft);
    }
  }

  // The GOV.UK character count: the hint of the limit stays for screen readers (it describes
  // the box); a visible count follows each key, and a polite live region repeats it once typing
  // pauses, so that a screen reader is not interrupted on every key.
  var COUNT_PAUSE_MS = 1000;
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || undefined) : null;

  function countMessage(limit, length) {
    var over = length > limit;
    var count = over ? length - limit : limit - length;
    var category = plurals && plurals.select(count) === "one" ? "one" : "other";
    var key = (over ? "count-over-" : "count-left-") + category;
    return text(key, over ? "You have %(count)s characters too many" : "You have %(count)s characters remaining")
      .replace("%(count)s", count.toLocaleString(document.documentElement.lang || undefined));
  }

  function characterCount(area) {
    var limit = parseInt(area.dataset.charLimit, 10);
    var hint = document.getElementById(area.id + "_count");
    if (!limit || !hint) { return; }
    var shown = element("div", "form-text char-count-status");
    shown.setAttribute("aria-hidden", "true");
    var live = element("div", "visually-hidden");
    live.setAttribute("aria-live", "polite");
    hint.classList.add("visually-hidden");
    hint.parentNode.insertBefore(live, hint.nextSibling);
    hint.parentNode.insertBefore(shown, live);
    var pause = null;
    function update(announce) {
      // Characters as the server counts them: a line break is one, an emoji is one.
      var length = Array.from(area.value).length;
      var message = countMessage(limit, length);
      shown.textContent = message;
      shown.classList.toggle("text-danger", length > limit);
      shown.classList.toggle("fw-bold", length > limit);
      if (!announce) { return; }
      if (pause) { clearTimeout(pause); }
      pause = setTimeout(function () { live.textContent = message; }, COUNT_PAUSE_MS);
    }
    area.addEventListener("input", function () { update(true); });
    update(false);
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-char-limit]"), characterCount);
  applyConditions();
  sweep();
  settlePost();
  var summary = document.getElementById("error-summary") || document.getElementById("conflict-message");
  if (summary) {
    // The page shows answers from a refused (or partly refused) save, not the saved ones.
    writeDraft();
    summary.focus();
  } else {
    checkDraft();
  }
}());
