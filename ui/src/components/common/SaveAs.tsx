import { createEffect, createSignal, type Accessor, type Setter } from "solid-js";

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

/** A labelled field for where to save a file. */
export function SaveAsField(props: {
  id: string;
  testid: string;
  label: string;
  value: string;
  onInput: (path: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.testid}
        class="mono"
        spellcheck={false}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}
