/* SPDX-License-Identifier: MIT */
/* JSON for facts, profiles, assessments and modems: every value carries its source (file + line). */
#include <stdio.h>
#include <string.h>

#include <mtdscope/device.h>

static void source(struct mtd_json *j, const struct mtd_fact *x)
{
	mtd_json_key(j, "source");
	if (!x) {
		mtd_json_null(j);
		return;
	}
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "file", x->file);
	mtd_json_kv_u64(j, "line", x->line);
	mtd_json_kv_str(j, "layer", x->layer);
	mtd_json_kv_str(j, "text", x->text);
	mtd_json_end_object(j);
}

void mtd_fact_to_json(const struct mtd_fact *x, struct mtd_json *j)
{
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "key", x->key);
	mtd_json_kv_str(j, "value", x->value);
	if (x->has_num && strcmp(x->key, "flash_jedec"))
		mtd_json_kv_u64(j, "number", x->num);
	if (x->note[0])
		mtd_json_kv_str(j, "note", x->note);
	if (!strcmp(x->key, "partition")) {
		mtd_json_kv_str(j, "table", x->table_name);
		mtd_json_kv_u64(j, "table_id", (uint64_t)x->table);
		if (x->has_offset)
			mtd_json_kv_u64(j, "offset", x->offset);
		mtd_json_kv_u64(j, "size", x->size);
	}
	if (x->has_id) {
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", x->id_vendor, x->id_device);
		mtd_json_kv_str(j, "id", id);
	}
	mtd_json_kv_i64(j, "weight", x->weight);
	mtd_json_kv_str(j, "file", x->file);
	mtd_json_kv_u64(j, "line", x->line);
	mtd_json_kv_str(j, "layer", x->layer);
	mtd_json_kv_str(j, "text", x->text);
	mtd_json_end_object(j);
}

void mtd_facts_to_json(const struct mtd_facts *f, struct mtd_json *j)
{
	mtd_json_key(j, "inputs");
	mtd_json_begin_object(j);
	mtd_json_kv_u64(j, "files", f->files);
	mtd_json_kv_u64(j, "lines", f->lines);
	mtd_json_kv_u64(j, "bytes", f->bytes);
	mtd_json_end_object(j);
	mtd_json_key(j, "parts");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < f->nparts; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "kind", f->parts[i].kind);
		mtd_json_kv_str(j, "file", f->parts[i].file);
		mtd_json_kv_u64(j, "first_line", f->parts[i].first);
		mtd_json_kv_u64(j, "last_line", f->parts[i].last);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "facts");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < f->n; i++)
		mtd_fact_to_json(&f->v[i], j);
	mtd_json_end_array(j);
}

static void value(struct mtd_json *j, const char *key, const struct mtd_value *v, bool num)
{
	mtd_json_key(j, key);
	if (!v->src) {
		mtd_json_null(j);
		return;
	}
	mtd_json_begin_object(j);
	if (num)
		mtd_json_kv_u64(j, "value", v->n);
	else
		mtd_json_kv_str(j, "value", v->s ? v->s : "");
	if (v->src->note[0])
		mtd_json_kv_str(j, "note", v->src->note);
	source(j, v->src);
	mtd_json_end_object(j);
}

void mtd_profile_to_json(const struct mtd_profile *p, struct mtd_json *j)
{
	mtd_json_key(j, "profile");
	mtd_json_begin_object(j);
	value(j, "soc", &p->soc, false);
	value(j, "soc_variant", &p->soc_variant, false);
	mtd_json_kv_str(j, "soc_vendor", p->soc_vendor);
	mtd_json_kv_str(j, "openwrt_target", p->target);
	mtd_json_kv_str(j, "openwrt_subtarget", p->subtarget);
	mtd_json_kv_str(j, "soc_status", p->soc_status);
	value(j, "machine", &p->machine, false);
	value(j, "compatible", &p->compatible, false);
	value(j, "cpu", &p->cpu, false);
	value(j, "cpu_mhz", &p->cpu_mhz, true);
	value(j, "ram_bytes", &p->ram, true);
	mtd_json_kv_bool(j, "ram_estimated", p->ram_estimated);
	value(j, "ram_usable_bytes", &p->ram_usable, true);
	value(j, "flash_type", &p->flash_type, false);
	value(j, "flash_chip", &p->flash_chip, false);
	value(j, "flash_jedec", &p->flash_jedec, false);
	value(j, "flash_bytes", &p->flash_size, true);
	value(j, "flash_other_bytes", &p->flash_other, true);
	mtd_json_kv_str(j, "flash_other_type", p->flash_other_type ? p->flash_other_type : "");
	mtd_json_key(j, "partitions");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nparts; i++) {
		const struct mtd_fact *x = p->parts[i];
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "name", x->value);
		if (x->has_offset)
			mtd_json_kv_u64(j, "offset", x->offset);
		else {
			mtd_json_key(j, "offset");
			mtd_json_null(j);
		}
		mtd_json_kv_u64(j, "size", x->size);
		/* "size truncated to 0x3b0000": what the chip really holds of a partition declared bigger */
		if (p->truncated && !strcmp(p->truncated->value, x->value) && p->truncated->num < x->size)
			mtd_json_kv_u64(j, "size_on_chip", p->truncated->num);
		mtd_json_kv_str(j, "table", x->table_name);
		source(j, x);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	value(j, "layout", &p->layout, false);
	mtd_json_key(j, "radios");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nradios; i++) {
		const struct mtd_radio *r = &p->radios[i];
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "chip", r->chip);
		mtd_json_kv_str(j, "bus", r->bus);
		mtd_json_kv_str(j, "bands", r->bands);
		mtd_json_kv_str(j, "driver", r->driver);
		mtd_json_kv_str(j, "open", r->open);
		source(j, r->src);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "usb");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nusb; i++) {
		const struct mtd_usb_device *u = &p->usb[i];
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", u->vid, u->pid);
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "id", id);
		mtd_json_kv_str(j, "name", u->name);
		mtd_json_kv_bool(j, "hub", u->hub);
		mtd_json_kv_bool(j, "lte_modem", u->modem);
		source(j, u->src);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	value(j, "ethernet", &p->ethernet, false);
	value(j, "ethernet_ports", &p->eth_ports, true);
	value(j, "bootloader", &p->bootloader, false);
	value(j, "tftp", &p->tftp, false);
	value(j, "kernel", &p->kernel, false);
	value(j, "toolchain", &p->toolchain, false);
	value(j, "firmware", &p->firmware, false);
	value(j, "console", &p->console, false);
	value(j, "cmdline", &p->cmdline, false);
	value(j, "brand", &p->brand, false);
	value(j, "interrupt", &p->interrupt, false);
	value(j, "tftp_server", &p->tftp_server, false);
	value(j, "tftp_client", &p->tftp_client, false);
	value(j, "tftp_file", &p->tftp_file, false);
	value(j, "boot_cmd", &p->boot_cmd, false);
	mtd_json_key(j, "loader_menu");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nmenu; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "value", p->menu[i]->value);
		source(j, p->menu[i]);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "models_named");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nnamed; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "value", p->named[i]->value);
		source(j, p->named[i]);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "conflicts");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < p->nconflicts; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "what", p->conflicts[i].what);
		mtd_json_key(j, "evidence");
		mtd_json_begin_array(j);
		const struct mtd_fact *ev[2] = {p->conflicts[i].a, p->conflicts[i].b};
		for (int k = 0; k < 2; k++) {
			if (!ev[k])
				continue;
			mtd_json_begin_object(j);
			mtd_json_kv_str(j, "file", ev[k]->file);
			mtd_json_kv_u64(j, "line", ev[k]->line);
			mtd_json_kv_str(j, "text", ev[k]->text);
			mtd_json_end_object(j);
		}
		mtd_json_end_array(j);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_end_object(j);
}

static const char *kind_name(enum mtd_reason_kind k)
{
	switch (k) {
	case MTD_REASON_GOOD: return "good";
	case MTD_REASON_WARN: return "warning";
	case MTD_REASON_BLOCKER: return "blocker";
	default: return "info";
	}
}

void mtd_assessment_to_json(const struct mtd_assessment *a, struct mtd_json *j)
{
	mtd_json_key(j, "assessment");
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "verdict", mtd_verdict_name(a->verdict));
	mtd_json_kv_str(j, "headline", a->headline);
	mtd_json_key(j, "reasons");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < a->nreasons; i++) {
		const struct mtd_reason *r = &a->reasons[i];
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "kind", kind_name(r->kind));
		mtd_json_kv_str(j, "topic", r->topic);
		mtd_json_kv_str(j, "text", r->text);
		mtd_json_key(j, "evidence");
		mtd_json_begin_array(j);
		for (size_t k = 0; k < r->nev; k++) {
			mtd_json_begin_object(j);
			mtd_json_kv_str(j, "file", r->ev[k]->file);
			mtd_json_kv_u64(j, "line", r->ev[k]->line);
			mtd_json_kv_str(j, "text", r->ev[k]->text);
			mtd_json_end_object(j);
		}
		mtd_json_end_array(j);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "install");
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "method", a->install.method ? a->install.method : "");
	mtd_json_kv_str(j, "device", a->install.device ? a->install.device : "");
	mtd_json_kv_str(j, "for_device", a->install.for_device ? a->install.for_device : "");
	mtd_json_kv_str(j, "initramfs", a->install.initramfs ? a->install.initramfs : "");
	mtd_json_kv_str(j, "sysupgrade", a->install.sysupgrade ? a->install.sysupgrade : "");
	mtd_json_kv_str(j, "netboot", a->install.netboot ? a->install.netboot : "");
	mtd_json_kv_str(j, "serve", a->install.serve ? a->install.serve : "");
	mtd_json_key(j, "steps");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < a->install.nsteps; i++)
		mtd_json_string(j, a->install.steps[i]);
	mtd_json_end_array(j);
	mtd_json_end_object(j);
	mtd_json_key(j, "closest_devices");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < a->ntwins; i++) {
		const struct mtd_twin *t = &a->twins[i];
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "model", t->model);
		mtd_json_kv_str(j, "compatible", t->compatible);
		mtd_json_kv_str(j, "dts", t->dts);
		mtd_json_kv_str(j, "target", t->target);
		mtd_json_kv_str(j, "subtarget", t->subtarget);
		mtd_json_kv_i64(j, "score", t->score);
		mtd_json_kv_bool(j, "specific", t->specific);
		mtd_json_kv_bool(j, "identical", t->identical);
		mtd_json_kv_bool(j, "fits", t->fits);
		mtd_json_kv_str(j, "why", t->why);
		mtd_json_kv_str(j, "compared", t->compared ? t->compared : "");
		mtd_json_kv_str(j, "image", t->image ? t->image : "");
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_end_object(j);
}

void mtd_modem_to_json(const struct mtd_modem_info *m, struct mtd_json *j)
{
	char id[16];
	snprintf(id, sizeof(id), "%04x:%04x", m->vid, m->pid);
	mtd_json_kv_str(j, "id", id);
	mtd_json_kv_bool(j, "known", m->known);
	if (!m->known)
		return;
	mtd_json_kv_str(j, "vendor", m->vendor);
	mtd_json_kv_str(j, "model", m->model);
	mtd_json_kv_str(j, "mode", m->mode);
	mtd_json_key(j, "packages");
	mtd_json_begin_array(j);
	const char *p = m->packages;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n)
			mtd_json_string_n(j, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
	mtd_json_end_array(j);
	mtd_json_kv_str(j, "proto", m->proto);
	mtd_json_kv_str(j, "device", m->device);
	mtd_json_kv_str(j, "at_port", m->at_port);
	mtd_json_kv_str(j, "at_signal", m->at_signal);
	mtd_json_kv_str(j, "at_bands", m->at_bands);
	mtd_json_kv_str(j, "at_apn", m->at_apn);
	mtd_json_kv_str(j, "traps", m->traps);
	struct mtd_buf b;
	mtd_buf_init(&b, 4096);
	if (mtd_modem_uci(m, &b) == 0)
		mtd_json_kv_str(j, "uci", mtd_buf_str(&b));
	mtd_buf_release(&b);
}
