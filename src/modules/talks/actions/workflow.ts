import { AppError } from '../../../core/errors.ts';
import type { ActionStatus } from '../schema.ts';

/** Where an action may go from each status; anything else is `invalid_transition`. */
export const actionTransitions: Record<ActionStatus, readonly ActionStatus[]> = {
  proposed: ['accepted', 'dropped', 'deferred'],
  accepted: ['in_progress', 'dropped', 'deferred'],
  in_progress: ['done', 'deferred', 'dropped'],
  deferred: ['accepted', 'in_progress', 'dropped'],
  done: ['in_progress'], // reopen
  dropped: ['proposed'],
};

export function canMove(from: ActionStatus, to: ActionStatus): boolean {
  return actionTransitions[from].includes(to);
}

export function assertTransition(from: ActionStatus, to: ActionStatus): void {
  if (from !== to && !canMove(from, to)) {
    throw new AppError('invalid_transition', { from, to, allowed: actionTransitions[from] });
  }
}
