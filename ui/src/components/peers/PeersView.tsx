import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { livePeers, useEvent } from "../../lib/app/events";
import * as ipc from "../../lib/ipc";
import type { SyncReport } from "../../lib/ipc";
import { shortKey } from "../../lib/members/format";
import { PATH_ICON, pathLabel, peerRows, type PeerRow } from "../../lib/peers/rows";
import { Busy } from "../common/Busy";
import { FormError } from "../common/FormError";
import { NetworkSettings } from "./NetworkSettings";

function PeerState(props: { row: PeerRow }) {
  const live = () => props.row.live;
  const progressText = () => {
    const l = live();
    if (!l) return "";
    return l.of !== null
      ? t("peers.syncing", { received: l.received, of: l.of })
      : t("peers.syncing_some", { received: l.received });
  };
  // A transfer is under way while its total is known and not yet reached.
  const syncing = () => {
    const l = live();
    return l !== null && l.of !== null && l.received < l.of;
  };
  return (
    <Show
      when={live()}
      fallback={
        <Show when={props.row.lastSynced}>
          {(at) => <span>{t("peers.last_synced", { date: formatDateTime(at()) })}</span>}
        </Show>
      }
    >
      {(l) => (
        <div>
          <span class="tag ok-tag">{t("peers.connected")}</span>
          <Show when={syncing() || (l().of === null && l().received > 0)}>
            <div class="peer-progress">
              <span>{progressText()}</span>
              <Show when={l().of}>
                {(of) => (
                  <progress
                    max={of()}
                    value={l().received}
                    aria-label={t("peers.progress", { device: shortKey(l().device) })}
                  />
                )}
              </Show>
            </div>
          </Show>
        </div>
      )}
    </Show>
  );
}

/** Every device this laptop syncs with, how it reaches them, and the network switches. */
export function PeersView(props: { coop: string }) {
  const id = createUniqueId();
  const [remembered, { refetch }] = createResource(() => props.coop, ipc.peers);
  const [report, setReport] = createSignal<SyncReport | null>(null);
  const sync = createAction();

  useEvent((e) => {
    if ((e.type === "peer_connected" || e.type === "peer_disconnected") && e.coop === props.coop) {
      void refetch();
    }
  });

  const rows = () =>
    peerRows(
      remembered.latest ?? [],
      Object.values(livePeers).filter((l) => l.coop === props.coop),
    );

  return (
    <div class="view">
      <h1 tabindex="-1">{t("peers.title")}</h1>
      <p class="lead">{t("peers.hint")}</p>
      <section aria-labelledby={`${id}-h`}>
        <div class="view-head">
          <h2 id={`${id}-h`}>{t("peers.devices")}</h2>
          <button
            type="button"
            class="primary"
            data-testid="sync-now"
            disabled={sync.busy()}
            onClick={() => {
              setReport(null);
              void sync.run(async () => {
                setReport(await ipc.syncNow(props.coop));
                void refetch();
              });
            }}
          >
            {t("peers.sync_now")}
          </button>
        </div>
        <Busy when={sync.busy()} text={t("peers.syncing_now")} />
        <FormError error={sync.error()} />
        <Show when={report()}>
          {(r) => (
            <div class="report" role="status">
              <p>{t("peers.report", { received: r().received, sent: r().sent, frames: r().frames })}</p>
              <Show when={r().failures.length > 0}>
                <p>{t("peers.failures")}</p>
                <ul>
                  <For each={r().failures}>{(f) => <li>{f}</li>}</For>
                </ul>
              </Show>
            </div>
          )}
        </Show>
        <Show when={remembered.error}>
          <p class="form-error" role="alert">
            {ipc.toApiError(remembered.error).message}
          </p>
        </Show>
        <Show when={rows().length > 0} fallback={<p>{t("peers.empty")}</p>}>
          <table class="peers">
            <thead>
              <tr>
                <th scope="col">{t("peers.col_member")}</th>
                <th scope="col">{t("peers.col_device")}</th>
                <th scope="col">{t("peers.col_path")}</th>
                <th scope="col">{t("peers.col_state")}</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(row) => (
                  <tr data-testid="peer-row" data-device={row.device} data-path={row.path}>
                    <th scope="row">{row.member ?? t("peers.unknown_member")}</th>
                    <td>
                      <code class="key" title={row.device}>
                        {shortKey(row.device)}
                      </code>
                    </td>
                    <td>
                      <span class={`path path-${row.path}`}>
                        <span aria-hidden="true">{PATH_ICON[row.path]}</span> {pathLabel(row.path)}
                      </span>
                    </td>
                    <td>
                      <PeerState row={row} />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>
      <NetworkSettings coop={props.coop} />
    </div>
  );
}
