import { createResource, Show } from "solid-js";
import { t } from "../../i18n";
import { useEvent } from "../../lib/app/events";
import * as ipc from "../../lib/ipc";
import { AdmitForm } from "./AdmitForm";
import { InvitePanel } from "./InvitePanel";
import { LeavePanel } from "./LeavePanel";
import { MemberTable } from "./MemberTable";

/** Who is in the co-op, and the ways in and out. */
export function MembersView(props: { coop: string }) {
  const [coop, { refetch: refetchCoop }] = createResource(() => props.coop, ipc.coop);
  const [members, { refetch: refetchMembers }] = createResource(() => props.coop, ipc.members);
  const [devices, { refetch: refetchDevices }] = createResource(() => props.coop, ipc.devices);

  const refresh = () => {
    void refetchCoop();
    void refetchMembers();
    void refetchDevices();
  };

  useEvent((e) => {
    if ((e.type === "members_changed" || e.type === "record_added") && e.coop === props.coop) {
      refresh();
    }
  });

  return (
    <div class="view">
      <h1 tabindex="-1">{t("members.title")}</h1>
      <Show when={coop()}>
        {(c) => (
          <p class="lead">
            {t("members.summary", {
              members: c().members,
              admission: c().admission === "any_member" ? t("members.by_any") : t("members.by_proposal"),
            })}
          </p>
        )}
      </Show>
      <Show when={members.error || devices.error}>
        <p class="form-error" role="alert">
          {ipc.toApiError(members.error ?? devices.error).message}
        </p>
      </Show>
      <MemberTable
        coop={props.coop}
        members={members.latest ?? []}
        devices={devices.latest ?? []}
        onChanged={refresh}
      />
      <div class="columns">
        <InvitePanel coop={props.coop} />
        <div>
          <AdmitForm coop={props.coop} onAdmitted={refresh} />
          <LeavePanel coop={props.coop} name={coop()?.name ?? ""} onLeft={refresh} />
        </div>
      </div>
    </div>
  );
}
