import { createUniqueId, For, Show } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { DeviceDto, MemberDto } from "../../lib/ipc";
import { shortKey, standingLabel } from "../../lib/members/format";
import { ConfirmButton } from "../common/ConfirmButton";
import { FormError } from "../common/FormError";

/** A device's name as the member reads it: the founder's first device is named by the
 * protocol ("founding device", in every co-op's genesis), so it is worded here; any
 * other name is what a member typed. */
function deviceName(name: string): string {
  return name === "founding device" ? t("members.founding_device") : name;
}

export function MemberTable(props: {
  coop: string;
  members: MemberDto[];
  devices: DeviceDto[];
  onChanged: () => void;
}) {
  const id = createUniqueId();
  const revoke = createAction();
  const mine = (m: MemberDto) => m.key === me()?.member;
  const devicesOf = (m: MemberDto) => props.devices.filter((d) => d.member === m.key);

  const revokeDevice = (device: string) =>
    void revoke.run(async () => {
      await ipc.revokeDevice(props.coop, device);
      props.onChanged();
    });

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("members.list")}</h2>
      <FormError error={revoke.error()} />
      <Show when={props.members.length > 0} fallback={<p>{t("members.empty")}</p>}>
        <table class="members">
          <thead>
            <tr>
              <th scope="col">{t("members.col_name")}</th>
              <th scope="col">{t("members.col_standing")}</th>
              <th scope="col">{t("members.col_contact")}</th>
              <th scope="col">{t("members.col_devices")}</th>
              <th scope="col">{t("members.col_actions")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.members}>
              {(m) => (
                <tr data-testid="member-row" data-key={m.key} class={m.standing}>
                  <th scope="row">
                    {m.name}
                    <Show when={mine(m)}>
                      {" "}
                      <span class="tag">{t("common.you")}</span>
                    </Show>
                    <br />
                    <code class="key" title={m.key}>
                      {shortKey(m.key)}
                    </code>
                  </th>
                  <td>{standingLabel(m.standing)}</td>
                  <td>{m.contact ?? t("members.no_contact")}</td>
                  <td>
                    <ul class="devices">
                      <For each={devicesOf(m)}>
                        {(d) => (
                          <li class={d.revoked ? "revoked" : ""}>
                            <span>{deviceName(d.name)}</span>{" "}
                            <code class="key" title={d.key}>
                              {shortKey(d.key)}
                            </code>
                            <Show when={d.this_device}>
                              {" "}
                              <span class="tag">{t("members.this_device")}</span>
                            </Show>
                            <Show when={d.revoked}>
                              {" "}
                              <span class="tag warn">{t("members.revoked")}</span>
                            </Show>
                            <Show when={d.forked_at}>
                              {(at) => (
                                <span class="tag warn">
                                  {t("members.forked", { date: formatDateTime(at()) })}
                                </span>
                              )}
                            </Show>
                            <Show when={mine(m) && !d.this_device && !d.revoked}>
                              <ConfirmButton
                                danger
                                label={t("members.revoke", { device: shortKey(d.key) })}
                                question={t("members.revoke_confirm", { device: deviceName(d.name) })}
                                disabled={revoke.busy()}
                                onConfirm={() => revokeDevice(d.key)}
                              />
                            </Show>
                          </li>
                        )}
                      </For>
                    </ul>
                  </td>
                  <td>
                    <Show when={!mine(m) && m.standing === "active"}>
                      <button
                        type="button"
                        onClick={() =>
                          go({
                            name: "proposal-new",
                            prefill: {
                              title: t("members.removal_title", { name: m.name }),
                              effect: { kind: "remove", member: m.key },
                            },
                          })
                        }
                      >
                        {t("members.propose_removal", { name: m.name })}
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
