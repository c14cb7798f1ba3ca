package dev.breakglass.port;

import dev.breakglass.grant.Grant;

/**
 * Where revealed credentials are shown to the requester, and only to them: in Slack, a modal (never a message,
 * which stays in the chat history). One display serves one click: it knows where that click came from.
 *
 * <p>The answer says whether the requester can now see the credentials. Anything but {@link Shown.Accepted}
 * means they cannot, and the reveal is given back. Implementations must not keep, log or put the credentials in
 * the reasons they give.
 */
public interface CredentialDisplay {

    /**
     * Shows the credentials of {@code grant}.
     *
     * @param remaining how many more reveals the policy allows after this one (to tell the requester)
     */
    Shown show(Grant grant, Credentials credentials, int remaining);

    /** What became of one attempt to show. */
    sealed interface Shown {
        /** The chat took the view: the requester sees the credentials. */
        record Accepted() implements Shown {}

        /**
         * They were not shown: they do not fit even split within the chat's limits, or the chat refused or failed.
         *
         * @param why for the requester, without the credentials (e.g. "Slack did not open the window (ratelimited).")
         */
        record NotShown(String why) implements Shown {}
    }
}
