import { createEffect, createSignal, type Accessor, type Setter } from "solid-js";
import { t } from "../../i18n";
import * as ipc from "../../lib/ipc";

/**
 * The path a file is saved at: filled once with the suggested path when it arrives;
 * a path the member typed is never replaced by a later read.
 */
export function createSavePath(suggested: Accessor<string | undefined>): [Accessor<string>, Setter<string>] {
  const [path, setPath] = createSignal("");
  let filled = false;
  createEffect(() => {
    const p = suggested();
    if (p && !filled) {
      filled = true;
      setPath(p);
    }
  });
  return [path, setPath];
}

/** A labelled field for where to save a file, with the system's save dialog beside it. */
export function SaveAsField(props: {
  id: string;
  testid: string;
  label: string;
  value: string;
  onInput: (path: string) => void;
}) {
  return <PathField {...props} choose={ipc.chooseSavePath} />;
}

/** A labelled field for a file to read, with the system's open dialog beside it. */
export function OpenFileField(props: {
  id: string;
  testid: string;
  label: string;
  value: string;
  onInput: (path: string) => void;
}) {
  return <PathField {...props} choose={ipc.chooseOpenPath} />;
}

function PathField(props: {
  id: string;
  testid: string;
  label: string;
  value: string;
  onInput: (path: string) => void;
  choose: (suggested: string) => Promise<string | null>;
}) {
  const [choosing, setChoosing] = createSignal(false);
  const choose = async () => {
    setChoosing(true);
    try {
      const chosen = await props.choose(props.value);
      if (chosen) props.onInput(chosen);
    } finally {
      setChoosing(false);
    }
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <div class="path-field">
        <input
          id={props.id}
          data-testid={props.testid}
          class="mono"
          spellcheck={false}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
        <button type="button" data-testid={`${props.testid}-choose`} disabled={choosing()} onClick={() => void choose()}>
          {t("files.choose")}
        </button>
      </div>
    </div>
  );
}
