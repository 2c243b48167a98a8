// Channel dialogs: create, browse (search by name, join), members (list, invite by name with
// suggestions from the directory, remove,
// rename, archive), and the confirmation before deleting a message. The server decides every rule;
// these only ask it and show its answer.
import { api } from '../api.js';
import { avatar, byId, el } from './dom.js';

const SEARCH_DELAY_MS = 200;

function open(dialog) {
    if (!dialog.open) {
        dialog.showModal();
    }
}

/** Asks before deleting; resolves to true when confirmed. */
export function confirmDelete() {
    const dialog = byId('confirm-dialog');
    dialog.returnValue = '';
    open(dialog);
    byId('confirm-cancel').focus();
    return new Promise((resolve) => {
        dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    });
}

export class ChannelDialogs {
    /**
     * @param store the client state
     * @param handlers {onJoined(channel), onLeave(roomId)}: the app adds or drops the room
     */
    constructor(store, { onJoined, onLeave }) {
        this.store = store;
        this.onJoined = onJoined;
        this.onLeave = onLeave;
        this.searchTimer = null;
        this.searchSeq = 0;
        this.membersOf = null;
        this.memberIds = new Set();
        this.suggestTimer = null;
        this.suggestSeq = 0;

        byId('new-channel').addEventListener('click', () => this.openCreate());
        byId('browse-channels').addEventListener('click', () => this.openBrowse());
        byId('create-cancel').addEventListener('click', () => byId('create-dialog').close());
        byId('browse-close').addEventListener('click', () => byId('browse-dialog').close());
        byId('members-close').addEventListener('click', () => byId('members-dialog').close());
        byId('create-form').addEventListener('submit', (event) => {
            event.preventDefault();
            this.create();
        });
        byId('browse-query').addEventListener('input', () => {
            clearTimeout(this.searchTimer);
            this.searchTimer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
        });
        byId('channel-members').addEventListener('click', () => this.openMembers(store.activeRoomId));
        byId('channel-leave').addEventListener('click', () => this.leave(store.activeRoomId));
        byId('invite-name').addEventListener('input', () => {
            clearTimeout(this.suggestTimer);
            this.suggestTimer = setTimeout(() => this.suggest(), SEARCH_DELAY_MS);
        });
        byId('invite-form').addEventListener('submit', (event) => {
            event.preventDefault();
            this.invite();
        });
        byId('rename-form').addEventListener('submit', (event) => {
            event.preventDefault();
            this.rename();
        });
        byId('channel-archive').addEventListener('click', () => this.archive());
    }

    openCreate() {
        byId('create-name').value = '';
        byId('create-private').checked = false;
        byId('create-error').textContent = '';
        open(byId('create-dialog'));
        byId('create-name').focus();
    }

    async create() {
        const name = byId('create-name').value.trim();
        if (name === '') {
            byId('create-error').textContent = 'Give the channel a name.';
            return;
        }
        byId('create-submit').disabled = true;
        try {
            const channel = await api.createChannel(name, byId('create-private').checked ? 'private' : 'public');
            byId('create-dialog').close();
            this.onJoined(channel);
        } catch (failed) {
            byId('create-error').textContent = failed.message;
        } finally {
            byId('create-submit').disabled = false;
        }
    }

    openBrowse() {
        byId('browse-query').value = '';
        byId('browse-error').textContent = '';
        open(byId('browse-dialog'));
        byId('browse-query').focus();
        this.search();
    }

    async search() {
        const seq = ++this.searchSeq;
        try {
            const found = await api.searchChannels(byId('browse-query').value);
            if (seq !== this.searchSeq) {
                return; // an answer to an older query
            }
            byId('browse-error').textContent = '';
            const items = found.map((channel) => el('li', { class: 'browse__item', dataset: { channelId: channel.id } },
                avatar(channel.name),
                el('span', { class: 'browse__name', text: '# ' + channel.name }),
                el('span', { class: 'browse__meta', text: `${channel.members} member${channel.members === 1 ? '' : 's'}` }),
                el('button', {
                    class: 'button button--small' + (channel.joined ? '' : ' button--primary'),
                    type: 'button',
                    text: channel.joined ? 'Open' : 'Join',
                    'aria-label': `${channel.joined ? 'Open' : 'Join'} ${channel.name}`,
                    onclick: () => this.join(channel),
                })));
            if (items.length === 0) {
                items.push(el('li', { class: 'browse__empty', text: 'No open public channel by that name (an archived or private one may hold it). Create one with “+ New”.' }));
            }
            byId('browse-results').replaceChildren(...items);
        } catch (failed) {
            byId('browse-error').textContent = failed.message;
        }
    }

    async join(channel) {
        try {
            if (!channel.joined) {
                await api.joinChannel(channel.id);
            }
            byId('browse-dialog').close();
            this.onJoined(channel);
        } catch (failed) {
            byId('browse-error').textContent = failed.message;
        }
    }

    async leave(roomId) {
        const room = this.store.room(roomId);
        if (!room || !room.channel) {
            return;
        }
        try {
            await api.leaveChannel(roomId);
            this.onLeave(roomId);
        } catch (failed) {
            if (failed.status === 404) {
                this.onLeave(roomId); // not a member any more anyway
            }
        }
    }

    async openMembers(roomId) {
        this.membersOf = roomId;
        byId('members-error').textContent = '';
        byId('invite-name').value = '';
        byId('rename-name').value = '';
        // The last opening's list and forms wait for this channel's answer: a name typed into the rename
        // form it still showed was overwritten by the answer, or cut in two when Invite took the focus.
        const room = this.store.room(roomId);
        byId('members-title').textContent = room && room.channel ? `# ${room.channel.name}` : 'Members';
        byId('members-about').textContent = '';
        byId('members-list').replaceChildren();
        for (const id of ['invite-form', 'rename-form', 'channel-archive']) {
            byId(id).hidden = true;
        }
        open(byId('members-dialog'));
        await this.refreshMembers();
        const typing = document.activeElement;
        if (!(typing instanceof HTMLInputElement && byId('members-dialog').contains(typing))) {
            byId('invite-name').focus();
        }
    }

    /** Redraws the member list if it is open for this channel (a member joined or left). */
    membersChanged(roomId) {
        if (byId('members-dialog').open && this.membersOf === roomId) {
            if (this.store.room(roomId)) {
                this.refreshMembers();
            } else {
                byId('members-dialog').close(); // I left or was removed: it showed the old list, "No such channel" and Invite
            }
        }
    }

    async refreshMembers() {
        const roomId = this.membersOf;
        try {
            const askedAt = this.store.presenceClock;
            const details = await api.channel(roomId);
            if (roomId !== this.membersOf) {
                return;
            }
            const mine = this.store.isMe(details.creator);
            const open = !details.archived;
            byId('members-title').textContent = `# ${details.name}`;
            byId('members-about').textContent = `${details.kind === 'private' ? 'Private' : 'Public'} channel · `
                + `${details.members.length} member${details.members.length === 1 ? '' : 's'}${details.archived ? ' · archived' : ''}`;
            byId('members-list').replaceChildren(...details.members.map((member) => el('li', { class: 'members__item', dataset: { userId: member.id } },
                avatar(member.username),
                el('span', { class: 'members__who' },
                    el('span', { class: 'members__name', text: member.username + (this.store.isMe(member.id) ? ' (you)' : '') }),
                    el('span', { class: 'members__meta', text: (member.id === details.creator ? 'creator · ' : '') + (member.online ? 'online' : 'offline') })),
                mine && !this.store.isMe(member.id) ? el('button', {
                    class: 'button button--small button--ghost button--danger', type: 'button', text: 'Remove',
                    'aria-label': `Remove ${member.username}`, onclick: () => this.remove(member),
                }) : null)));
            this.store.upsertUsers(details.members, { askedAt });
            byId('invite-form').hidden = !open;
            byId('rename-form').hidden = !(mine && open);
            if (document.activeElement !== byId('rename-name')) {
                byId('rename-name').value = details.name; // a redraw (someone joined) keeps a new name being typed
            }
            byId('channel-archive').hidden = !mine;
            byId('channel-archive').textContent = details.archived ? 'Restore channel' : 'Archive channel';
            byId('channel-archive').classList.toggle('button--danger', !details.archived); // restoring loses nothing
            byId('channel-archive').dataset.archived = details.archived ? 'true' : 'false';
            this.memberIds = new Set(details.members.map((m) => String(m.id)));
        } catch (failed) {
            byId('members-error').textContent = failed.message;
        }
    }

    /** Names from the directory that start with what is typed, members left out. */
    async suggest() {
        const prefix = byId('invite-name').value.trim();
        const seq = ++this.suggestSeq;
        if (prefix === '') {
            byId('invite-names').replaceChildren();
            return;
        }
        try {
            const page = await api.directory(prefix, null, 8);
            if (seq === this.suggestSeq) {
                const users = (page && page.users) || [];
                byId('invite-names').replaceChildren(...users.filter((u) => !this.memberIds.has(String(u.id)))
                    .map((u) => el('option', { value: u.username })));
            }
        } catch (failed) {
            // suggestions are a convenience; the exact name still works
        }
    }

    async invite() {
        const name = byId('invite-name').value.trim();
        if (name === '') {
            byId('members-error').textContent = 'Type the name of the person to invite.';
            return;
        }
        try {
            await api.invite(this.membersOf, name);
            byId('invite-name').value = '';
            byId('members-error').textContent = '';
            await this.refreshMembers();
        } catch (failed) {
            byId('members-error').textContent = failed.message;
        }
    }

    async remove(member) {
        try {
            await api.removeMember(this.membersOf, member.id);
            await this.refreshMembers();
        } catch (failed) {
            byId('members-error').textContent = failed.message;
        }
    }

    async rename() {
        try {
            const channel = await api.changeChannel(this.membersOf, { name: byId('rename-name').value });
            this.store.setChannel(channel);
            await this.refreshMembers();
        } catch (failed) {
            byId('members-error').textContent = failed.message;
        }
    }

    async archive() {
        const archived = byId('channel-archive').dataset.archived !== 'true';
        try {
            const channel = await api.changeChannel(this.membersOf, { archived });
            this.store.setChannel(channel);
            await this.refreshMembers();
        } catch (failed) {
            byId('members-error').textContent = failed.message;
        }
    }
}
