// A dialog over the panel (the strip view, the FX settings). Its controls live as long as it
// does, so they get a context of their own whose cleanups run when it closes; the focus goes
// back to the control that opened it.
export function dialogContext(ctx) {
  const dctx = Object.create(ctx);
  dctx.cleanups = [];
  dctx.onCleanup = (fn) => dctx.cleanups.push(fn);
  return dctx;
}

// Shows `dialog` (made with `dctx`) modally; `close` shuts it, `opener` gets the focus back.
export function showDialog(ctx, dctx, dialog, close, opener) {
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dctx.cleanups.forEach((fn) => fn());
    dialog.remove();
    opener?.focus();
  });
  ctx.onCleanup(() => { if (dialog.open) dialog.close(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  return dialog;
}
