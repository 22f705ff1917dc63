// The exam page with JavaScript: each answer is saved as it changes, the time left counts
// down from the server's deadline, and the spoken warnings come at 10, 5 and 1 minutes.
// An answer that has not reached the server (offline, signed out, a server error) is kept
// on this device (localStorage) and sent again when the connection returns or the page
// opens; only the server's "saved" removes it. Without JavaScript, "Save and next" saves;
// the server keeps the clock either way and refuses what arrives too late.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("exam-answer");
  const status = document.getElementById("exam-saved");
  const timer = document.getElementById("exam-timer");
  const warnings = document.getElementById("exam-warnings");
  if (!form || !status || !timer || !warnings) return;

  const attempt = form.dataset.attempt;
  const thisUrl = form.dataset.saveUrl;
  const pendingKey = `nurture-exam-${attempt}-pending`;
  const pending = () => JSON.parse(localStorage.getItem(pendingKey) || "{}");
  const keep = (all) => localStorage.setItem(pendingKey, JSON.stringify(all));
  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };
  const OFFLINE = "Not saved yet: you seem to be offline. Your answers are kept on this device and sent when the connection returns.";

  // One save. What comes back decides whether the kept copy may go: "saved" (200), or a
  // refusal that sending again cannot change (400 a bad answer, 409 handed in or too late).
  async function send(url, fields) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    const response = await fetch(url, { method: "POST", body, credentials: "same-origin", redirect: "manual" });
    // Sent to the sign-in page, or refused for want of a session (its CSRF cookie gone with it).
    if (response.type === "opaqueredirect" || response.status === 0 || response.status === 403) {
      return { done: false, error: "Not saved: you are signed out. Sign in again in another tab; your answer is kept on this device." };
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    if (response.ok && answer.saved === true) return { done: true };
    if (response.status === 400 || response.status === 409) {
      return { done: true, error: `Not saved: ${answer.error || "the answer was refused."}` };
    }
    return { done: false, error: "Not saved yet: the server did not answer as expected. Your answer is kept on this device and sent again." };
  }

  // Everything kept on this device; again while anything new was kept meanwhile. True when
  // all of it has gone without a refusal.
  let flushing = null;
  function flush() {
    if (!flushing) {
      flushing = (async () => {
        let clean = true;
        for (let all = pending(); Object.keys(all).length; all = pending()) {
          for (const [url, fields] of Object.entries(all)) {
            let result;
            try {
              result = await send(url, fields);
            } catch (error) {
              say(OFFLINE);
              return false;
            }
            if (!result.done) {
              say(result.error);
              return false;
            }
            const now = pending();
            if (JSON.stringify(now[url]) === JSON.stringify(fields)) delete now[url];
            keep(now);
            if (result.error) {
              say(result.error);
              clean = false;
            }
          }
        }
        return clean;
      })().finally(() => {
        flushing = null;
      });
    }
    return flushing;
  }

  // A written answer is saved when typing pauses; until then it is not "saved".
  let typing = null;
  async function saveThis() {
    const fields = {};
    const chosen = form.querySelector("input[name=choice]:checked");
    const written = form.querySelector("textarea[name=written]");
    if (written) fields.written = written.value;
    else fields.choice = chosen ? chosen.value : "";
    const all = pending();
    all[thisUrl] = fields;
    keep(all);
    await (flushing || Promise.resolve());
    if ((await flush()) && typing === null) say("All answers saved");
  }
  const typed = () => {
    clearTimeout(typing);
    typing = null;
    saveThis();
  };
  form.addEventListener("change", (event) => (event.target.name === "written" ? typed() : saveThis()));
  form.addEventListener("input", (event) => {
    if (event.target.name !== "written") return;
    say("Not saved yet: saving when you pause typing.");
    clearTimeout(typing);
    typing = setTimeout(typed, 1500);
  });
  window.addEventListener("online", async () => {
    if (typing !== null) typed();
    else if (await flush()) say("All answers saved");
  });

  // Opened again with an answer to this question still kept here: it is the newer one.
  const kept = pending()[thisUrl];
  if (kept) {
    const written = form.querySelector("textarea[name=written]");
    if (written && typeof kept.written === "string") written.value = kept.written;
    form.querySelectorAll("input[name=choice]").forEach((radio) => {
      radio.checked = radio.value === kept.choice;
    });
  }
  if (Object.keys(pending()).length) flush().then((done) => done && say("All answers saved"));

  // The clock: the server's deadline, corrected for this device's clock.
  const offset = Number(timer.dataset.nowMs) - Date.now();
  const deadline = Number(timer.dataset.deadlineMs);
  const graceMs = Number(timer.dataset.graceMs || 60000);
  const spoken = new Set();
  for (const minutes of [10, 5, 1]) if (deadline - (Date.now() + offset) <= minutes * 60000) spoken.add(minutes);
  function tick() {
    const left = Math.max(0, deadline - (Date.now() + offset));
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    const hours = Math.floor(minutes / 60);
    timer.textContent = left > 0
      ? `Time left: ${hours ? `${hours}:${String(minutes % 60).padStart(2, "0")}` : minutes}:${String(seconds).padStart(2, "0")}`
      : "Time is up";
    for (const at of [10, 5, 1]) {
      if (left <= at * 60000 && !spoken.has(at)) {
        spoken.add(at);
        warnings.textContent = `${at} minute${at === 1 ? "" : "s"} left.`;
      }
    }
    if (left <= 0) {
      warnings.textContent = "Time is up. Your answers are being handed in.";
      form.querySelectorAll("input, textarea, button").forEach((field) => (field.disabled = true));
      // Saves already on their way count for a minute more; then the result page hands in.
      setTimeout(() => window.location.assign(timer.dataset.resultUrl), graceMs + 2000);
      return;
    }
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  }
  tick();
});
