/**
 * Every protocol machine by its id, as `session.start` names it in the
 * trace, so a view can draw the machine a session runs from its definition.
 */
import type { AnyStateMachine } from 'xstate';
import { imapClientMachine } from '../imap/client.machine.ts';
import { imapServerMachine } from '../imap/server.machine.ts';
import { pop3ClientMachine } from '../pop3/client.machine.ts';
import { pop3ServerMachine } from '../pop3/server.machine.ts';
import { smtpClientMachine } from '../smtp/client.machine.ts';
import { smtpServerMachine } from '../smtp/server.machine.ts';

export const STATE_MACHINES: Readonly<Record<string, AnyStateMachine>> = {
  [smtpServerMachine.id]: smtpServerMachine,
  [smtpClientMachine.id]: smtpClientMachine,
  [pop3ServerMachine.id]: pop3ServerMachine,
  [pop3ClientMachine.id]: pop3ClientMachine,
  [imapServerMachine.id]: imapServerMachine,
  [imapClientMachine.id]: imapClientMachine,
};
