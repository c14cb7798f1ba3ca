package dev.breakglass.command;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EditDistanceTest {

    @Test
    void countsInsertionsDeletionsSubstitutionsAndNeighbourSwapsAsOneEach() {
        assertEquals(0, EditDistance.between("revoke", "revoke"));
        assertEquals(1, EditDistance.between("aprovers", "approvers"));
        assertEquals(1, EditDistance.between("approvers", "aprovers"));
        assertEquals(1, EditDistance.between("staus", "status"));
        assertEquals(1, EditDistance.between("reveiwers", "reviewers"));
        assertEquals(1, EditDistance.between("lsit", "list"));
        assertEquals(1, EditDistance.between("requestors", "requesters"));
        assertEquals(4, EditDistance.between("colour", "roles"));
    }

    @Test
    void anEmptyWordIsTheOthersLengthAway() {
        assertEquals(4, EditDistance.between("", "help"));
        assertEquals(4, EditDistance.between("help", ""));
        assertEquals(0, EditDistance.between("", ""));
    }

    @Test
    void caseCountsUnlessTheCallerFoldsIt() {
        assertEquals(1, EditDistance.between("List", "list"));
    }
}
