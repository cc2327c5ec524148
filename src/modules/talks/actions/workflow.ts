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

/** Statuses still to be worked on: an action in one of them past its due date is overdue. */
export const openStatuses: readonly ActionStatus[] = ['proposed', 'accepted', 'in_progress', 'deferred'];

export function canMove(from: ActionStatus, to: ActionStatus): boolean {
  return actionTransitions[from].includes(to);
}

export function assertTransition(from: ActionStatus, to: ActionStatus): void {
  if (from !== to && !canMove(from, to)) {
    throw new AppError('invalid_transition', { from, to, allowed: actionTransitions[from] });
  }
}
