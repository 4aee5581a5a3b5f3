// Section page enhancements: autosave in the background and instant conditional questions.
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
      text.textContent = data.progress.answered + " / " + data.progress.required;
    }
  }

  function save() {
    if (blocked) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    setStatus(text("saving", "Saving…"));
    var body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { http: response, data: data }; },
        function () { return { http: response, data: null }; });
    }).then(function (result) {
      var data = result.data;
      if (result.http.ok && data) {
        versionInput.value = data.version;
        var note = text("saved", "Saved at") + " " + data.saved_at;
        if (data.status === "partial") { note += " " + text("partial", ""); }
        setStatus(note, data.status === "partial");
        updateProgress(data);
      } else if (data && data.status === "conflict") {
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
    applyConditions();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || event.target.type === "url" || event.target.type === "number") {
      schedule();
    }
  });
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); }
    blocked = true;  // the full save takes over; no background save may race it
    if (saving) {
      // A background save is on its way: posting now would carry the version it replaces
      // and be refused as a conflict. Post once it is back and the version is current.
      event.preventDefault();
      afterSave = function () { form.requestSubmit(event.submitter || undefined); };
    }
  });
  applyConditions();
  var summary = document.getElementById("error-summary") || document.getElementById("conflict-message");
  if (summary) { summary.focus(); }
}());
