'use client';
// The staff pages' client roots: each puts its panel behind the staff gate (server
// components cannot pass the gate's render function).
import { AdminSessions } from './admin-sessions';
import { AdminUsers } from './admin-users';
import { PasswordForm } from './auth-forms';
import { ClassesHome } from './class-list';
import { StaffGate } from './staff-gate';

/** /account/password's content. */
export function PasswordPanel() {
  return <StaffGate>{() => <PasswordForm />}</StaffGate>;
}

/** /admin's content. */
export function AdminPanel() {
  return (
    <StaffGate adminOnly>
      {(staff) => (
        <div className="flex flex-col gap-10">
          <AdminUsers self={staff} />
          <AdminSessions />
        </div>
      )}
    </StaffGate>
  );
}

/** /classes's content. */
export function ClassesPanel() {
  return <StaffGate>{(staff) => <ClassesHome staff={staff} />}</StaffGate>;
}
