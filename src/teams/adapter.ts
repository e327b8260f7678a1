import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';

/**
 * TeamsAdapter with one extra entry point. botbuilder 4.23's `process` writes every rejected
 * caller's error with its stack trace to the console; `handle` lets the caller answer 401 and
 * log one line instead, with the same authentication and turn pipeline underneath.
 */
export class BotAdapter extends TeamsAdapter {
  /** Authenticates the activity (throws AuthenticationError) and runs the turn. */
  handle(
    activity: Activity,
    authHeader: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
