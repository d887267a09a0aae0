// The leukoserve page: plain JavaScript against the service's own API, nothing fetched from elsewhere.
const $ = (selector, root = document) => root.querySelector(selector);

/** With API_KEYS set, every API call needs `Authorization: Bearer <key>`: the key is asked once and kept in this browser. */
const KEY_ITEM = 'leukoserve-api-key';
function authorized(init = {}) {
  const key = localStorage.getItem(KEY_ITEM);
  return key === null ? init : { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } };
}

async function api(url, init) {
  const response = await fetch(url, authorized(init));
  if (response.status === 401) {
    $('#key').hidden = false;
    throw new Error('this service needs an API key: enter it above');
  }
  return response;
}

async function getJson(url) {
  const response = await api(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** The error document's message, or the status line. */
async function errorText(response) {
  try {
    const body = await response.json();
    return `${body.code}: ${body.message}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function showStatus() {
  const status = $('#status');
  try {
    const [model, devices] = await Promise.all([getJson('/model'), getJson('/devices')]);
    $('#untrained').hidden = model.trained !== false;
    const available = devices.available.map((d) => d.name).join(', ');
    const sticks = devices.usb.sticks.length;
    status.textContent = `Model ${model.name} ${model.version} (${model.trained ? 'trained' : 'untrained'}) on ${devices.compiled.device}` +
      ` · OpenVINO ${devices.runtime.version} · devices: ${available} · NCS2 sticks on USB: ${sticks}`;
    status.dataset.device = devices.compiled.device;
  } catch (error) {
    status.textContent = `Status unavailable: ${error.message}`;
  }
}

/** A blob as a data: URL (the service's Content-Security-Policy allows images from 'self' and data: only). */
function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** The body to upload: the file itself, as a raw image (the service sniffs the format from the bytes). */
function upload(file) {
  return { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file };
}

async function explain(file, item) {
  const button = $('.explain', item);
  const figure = $('.heatmap', item);
  button.disabled = true;
  button.textContent = 'Explaining… (about 120 inferences)';
  try {
    const response = await api(`/explain?filename=${encodeURIComponent(file.name)}`, { ...upload(file), headers: { ...upload(file).headers, accept: 'image/png' } });
    if (!response.ok) throw new Error(await errorText(response));
    const img = $('img', figure);
    img.src = await dataUrl(await response.blob());
    $('figcaption', figure).textContent =
      `Brighter = the score of ${response.headers.get('x-explanation-label')} dropped more when a grey patch hid that region ` +
      `(${response.headers.get('x-explanation-inferences')} inferences).`;
    figure.hidden = false;
    button.hidden = true;
  } catch (error) {
    button.disabled = false;
    button.textContent = `Retry heatmap (${error.message})`;
  }
}

async function classify(file) {
  const item = $('#result').content.firstElementChild.cloneNode(true);
  $('.name', item).textContent = file.name;
  $('.label', item).textContent = 'Classifying…';
  const preview = $('.preview', item);
  preview.alt = file.name;
  preview.onerror = () => (preview.hidden = true); // BMP and TIFF previews are not shown by every browser
  dataUrl(file).then((url) => (preview.src = url), () => (preview.hidden = true));
  $('#results').prepend(item);
  try {
    const response = await api(`/classify?filename=${encodeURIComponent(file.name)}`, upload(file));
    if (!response.ok) throw new Error(await errorText(response));
    const { predictions, model } = await response.json();
    const prediction = predictions[0];
    $('.label', item).textContent = `${prediction.label} ${(prediction.score * 100).toFixed(1)} %${model.trained ? '' : ' (untrained model)'}`;
    item.dataset.label = prediction.label;
    const table = $('.scores', item);
    for (const [label, score] of Object.entries(prediction.scores)) {
      const row = table.insertRow();
      row.insertCell().textContent = label;
      row.insertCell().textContent = score.toFixed(4);
    }
    const button = $('.explain', item);
    button.hidden = false;
    button.addEventListener('click', () => explain(file, item));
  } catch (error) {
    $('.label', item).textContent = 'Not classified';
    const message = $('.error', item);
    message.textContent = error.message;
    message.hidden = false;
  }
}

function classifyAll(files) {
  for (const file of files) classify(file);
}

$('#key').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem(KEY_ITEM, $('#key input').value.trim());
  $('#key').hidden = true;
  showStatus();
});

const drop = $('#drop');
$('#files').addEventListener('change', (event) => classifyAll(event.target.files));
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  classifyAll(event.dataTransfer.files);
});
showStatus();
