// Passkeys in the browser: the one part of the cabinet that must talk to
// the device (navigator.credentials), loaded only by the pages that offer
// passkeys. The forms stay the server's: the form island sends the first
// one and hands its answer — the server's challenge — here as the
// `passkey` event ([`Then::Passkey`]); this script asks the device, puts
// its answer into the island's next form and sends that form through the
// island, which shows the server's verdict at the form.
//
// The forms are hidden until the page is alive and the browser can use
// passkeys; until then a note says what passkeys need.

const supported = Boolean(window.PublicKeyCredential && navigator.credentials);

// base64url (unpadded) to bytes, and back: the server's JSON carries the
// challenge and the ids this way, the device takes and gives bytes.
const bytes = (text) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const text = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const withIds = (list) => list?.map((credential) => ({ ...credential, id: bytes(credential.id) }));

// The options for a new key, and the device's answer as the server reads it.
const creation = (options) => ({
  ...options,
  challenge: bytes(options.challenge),
  user: { ...options.user, id: bytes(options.user.id) },
  excludeCredentials: withIds(options.excludeCredentials),
});
const created = (credential) => ({
  id: credential.id,
  rawId: text(credential.rawId),
  type: credential.type,
  response: {
    attestationObject: text(credential.response.attestationObject),
    clientDataJSON: text(credential.response.clientDataJSON),
    transports: credential.response.getTransports?.(),
  },
  extensions: credential.getClientExtensionResults(),
});

// The options for signing a challenge, and the signed answer.
const assertion = (options) => ({
  ...options,
  challenge: bytes(options.challenge),
  allowCredentials: withIds(options.allowCredentials),
});
const asserted = (credential) => ({
  id: credential.id,
  rawId: text(credential.rawId),
  type: credential.type,
  response: {
    authenticatorData: text(credential.response.authenticatorData),
    clientDataJSON: text(credential.response.clientDataJSON),
    signature: text(credential.response.signature),
    userHandle: credential.response.userHandle ? text(credential.response.userHandle) : null,
  },
  extensions: credential.getClientExtensionResults(),
});

// A refusal by the device (the patient cancelled, the time ran out, the
// key is already there) is said at the form, in the page's language.
const refuse = (form, message) => {
  const slot = form.querySelector("[data-form-error]");
  if (!slot) return;
  slot.textContent = message;
  slot.hidden = false;
  slot.tabIndex = -1;
  slot.focus();
};

document.addEventListener("passkey", async (event) => {
  const form = event.target;
  const holder = form.closest("[data-passkey]");
  const island = form.closest(".enhanced");
  if (!holder || !island) return;
  const forms = [...island.querySelectorAll("form")];
  const next = forms[forms.indexOf(form) + 1];
  if (!next) return;
  const { ceremony, options } = JSON.parse(event.detail);
  const { publicKey } = JSON.parse(options);
  let answer;
  try {
    answer =
      holder.dataset.passkey === "create"
        ? created(await navigator.credentials.create({ publicKey: creation(publicKey) }))
        : asserted(await navigator.credentials.get({ publicKey: assertion(publicKey) }));
  } catch (error) {
    const exists = error?.name === "InvalidStateError";
    refuse(form, exists ? holder.dataset.passkeyExists : holder.dataset.passkeyFailed);
    return;
  }
  next.querySelector("[name=ceremony]").value = ceremony;
  next.querySelector("[name=credential]").value = JSON.stringify(answer);
  next.requestSubmit();
});

// Shows the passkey forms once the form island is alive (it sends them),
// where the browser can use passkeys.
const reveal = () => {
  for (const holder of document.querySelectorAll("[data-passkey]")) holder.hidden = !supported;
  for (const note of document.querySelectorAll("[data-passkey-note]")) note.hidden = supported;
};
if (document.body.hasAttribute("data-hydrated")) {
  reveal();
} else {
  new MutationObserver((_, observer) => {
    if (document.body.hasAttribute("data-hydrated")) {
      observer.disconnect();
      reveal();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["data-hydrated"] });
}
