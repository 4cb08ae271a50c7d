/**
 * What each rule code of the server means, in words a trader or an officer can act on, in both
 * languages. The server names the rule (`errors[].rule`) and keeps its own English detail, which the
 * app shows only behind "technical detail". Loaded on the first error (a chunk of its own).
 * A code missing here falls back to the text of its kind (schema.*) or a general sentence.
 */
type Text = readonly [zh: string, en: string];

export const RULE_TEXTS: Record<string, Text> = {
  // Identifiers (national and international standards)
  'GB32100.required': [
    '请填写 18 位统一社会信用代码（GB 32100）。',
    'Enter the 18-character unified social credit code (GB 32100).',
  ],
  'GB32100.length': [
    '统一社会信用代码应为 18 位（GB 32100）。',
    'A unified social credit code has 18 characters (GB 32100).',
  ],
  'GB32100.upperCase': [
    '统一社会信用代码请使用大写字母（GB 32100）。',
    'Write the unified social credit code in capital letters (GB 32100).',
  ],
  'GB32100.charset': [
    '统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）（GB 32100）。',
    'The code has a character the standard does not use (no I, O, Z, S, V) (GB 32100).',
  ],
  'GB32100.divisionCode': [
    '统一社会信用代码第 3–8 位应为 6 位行政区划代码（GB 32100）。',
    'Characters 3–8 must be the 6-digit administrative division code (GB 32100).',
  ],
  'GB32100.checkCharacter': [
    '统一社会信用代码校验码不正确，请核对是否录入有误（GB 32100）。',
    'The check character does not match: the code was mistyped (GB 32100).',
  ],
  'GB11643.required': [
    '请填写 18 位公民身份号码（GB 11643）。',
    'Enter the 18-character resident identity number (GB 11643).',
  ],
  'GB11643.format': [
    '公民身份号码为 17 位数字加 1 位校验码（0–9 或 X）（GB 11643）。',
    'A resident identity number is 17 digits and a check character 0–9 or X (GB 11643).',
  ],
  'GB11643.addressCode': [
    '公民身份号码前 6 位不是有效的行政区划代码（GB 11643）。',
    'The first 6 digits are not an administrative division code (GB 11643).',
  ],
  'GB11643.birthDate': [
    '公民身份号码中的出生日期无效或晚于今天（GB 11643）。',
    'The birth date in the number is not a real date, or is in the future (GB 11643).',
  ],
  'GB11643.checkDigit': [
    '公民身份号码校验码不正确，请核对是否录入有误（GB 11643）。',
    'The check character does not match: the number was mistyped (GB 11643).',
  ],
  'passport.format': [
    '护照号码为 5–17 位大写字母和数字，至少含 1 位数字。',
    'A passport number is 5–17 capital letters and digits, with at least one digit.',
  ],
  'HS.format': ['商品编码为 6、8 或 10 位数字。', 'An HS code is 6, 8 or 10 digits.'],
  'HS.length': ['商品编码为 6、8 或 10 位数字。', 'An HS code is 6, 8 or 10 digits.'],
  'HS.unknownSubheading': [
    '该商品编码的前 6 位不是 2022 版协调制度子目。',
    'The first 6 digits are not an HS 2022 subheading.',
  ],
  'ISO3166.format': [
    '国别请填写 2 位大写字母代码（ISO 3166-1），如 DE、AU。',
    'A country is its 2-letter ISO 3166-1 code, e.g. DE, AU.',
  ],
  'ISO3166.unknown': ['不是有效的国别代码（ISO 3166-1）。', 'Not an ISO 3166-1 country code.'],
  'ISO6346.format': [
    '集装箱号为 4 位字母（第 4 位为 U、J 或 Z）、6 位数字和 1 位校验码（ISO 6346）。',
    'A container number is 3 letters, U, J or Z, 6 digits and a check digit (ISO 6346).',
  ],
  'ISO6346.checkDigit': [
    '集装箱号校验码不正确，请核对箱号（ISO 6346）。',
    'The container check digit does not match: check the number (ISO 6346).',
  ],
  'UNLOCODE.format': ['口岸代码应为联合国地点代码（如 CNHAK）。', 'A port code is a UN/LOCODE, e.g. CNHAK.'],
  'ports.secondLine': ['请选择十个二线口岸之一。', 'Choose one of the 10 second-line ports.'],
  // Input shape (the schema's own checks)
  'schema.invalid_type': ['此项的类型不正确。', 'This value has the wrong type.'],
  'schema.too_small': ['此项过短或数值过小。', 'This value is too short or too small.'],
  'schema.too_big': ['此项过长或数值过大。', 'This value is too long or too large.'],
  'schema.invalid_format': ['此项格式不正确。', 'This value is not in the expected format.'],
  'schema.invalid_string': ['此项格式不正确。', 'This value is not in the expected format.'],
  'schema.invalid_value': ['请从可选项中选择。', 'Choose one of the allowed values.'],
  'schema.invalid_enum_value': ['请从可选项中选择。', 'Choose one of the allowed values.'],
  'schema.invalid_union': ['此项填写有误。', 'This value is not valid.'],
  'schema.not_multiple_of': ['数值的精度超出允许范围。', 'The value has more decimals than allowed.'],
  'schema.custom': ['此项填写有误。', 'This value is not valid.'],
  'schema.required': ['必填。', 'Required.'],
  'schema.unrecognizedKey': ['提交了不认识的字段。', 'A field the form does not have was sent.'],
  'text.nul': [
    '文字中含有不可见的控制字符，请删除后重试。',
    'The text contains an invisible control character; remove it.',
  ],
  'text.surrogate': ['文字中含有无效字符，请重新输入。', 'The text contains an invalid character; type it again.'],
  'date.calendar': ['不是有效的日期。', 'Not a calendar date.'],
  'date.range': ['日期超出允许范围（1900–2199 年）。', 'Use a date from 1900 to 2199.'],
  'json.depth': ['提交的数据层级过深。', 'The data is nested too deeply.'],
  'json.number': ['数值无效。', 'The number is not valid.'],
  'http.jsonBody': [
    '提交的内容无法识别，请刷新页面后重试。',
    'The request could not be read; reload the page and try again.',
  ],
  'http.url': ['地址无效。', 'The address is not valid.'],
  'http.idempotencyKey': [
    '该请求编号已用于其他内容，请刷新后重新提交。',
    'This request key was used for other content; reload and submit again.',
  ],
  'database.dataException': [
    '有一项数值无法保存（超出范围或含无效字符）。',
    'A value cannot be stored (out of range or invalid text).',
  ],
  // Accounts
  'auth.passwordLength': ['密码长度不足。', 'The password is too short.'],
  'auth.enterpriseUserBinding': ['企业用户必须绑定一家企业。', 'An enterprise user must be bound to one enterprise.'],
  'auth.enterpriseExists': ['没有该统一社会信用代码的企业。', 'No enterprise has this code.'],
  'auth.clientRole': ['请选择有效的接入方角色。', 'Choose a valid client role.'],
  // Enterprises and qualifications
  'subjects.validityPeriod': ['有效期止日须晚于起日。', 'The end date must be after the start date.'],
  'subjects.overlappingQualification': [
    '该企业在此期间已持有同类资格。',
    'The enterprise already holds this qualification for the period.',
  ],
  'subjects.goodsCategoryNotApplicable': [
    '只有零关税资格需要选择商品类别。',
    'A goods category applies to zero-tariff qualifications only.',
  ],
  'subjects.zeroTariffGoodsCategory': ['请选择零关税商品类别。', 'Choose a zero-tariff goods category.'],
  'subjects.zeroTariff.legalForm': [
    '零关税享惠主体须为独立法人、事业单位或经认定的非营利组织。',
    'Zero-tariff beneficiaries must be an independent legal person, a public institution or an approved non-profit.',
  ],
  'subjects.zeroTariff.registeredInHainan': [
    '零关税享惠主体须在海南注册。',
    'Zero-tariff beneficiaries must be registered in Hainan.',
  ],
  'subjects.zeroTariff.reapplicationBar': [
    '放弃零关税资格后 12 个月内不得再次申请。',
    'Zero-tariff treatment given up cannot be applied for again within 12 months.',
  ],
  'subjects.processing.legalForm': [
    '加工增值备案须为独立法人。',
    'Processing value-added filing requires an independent legal person.',
  ],
  'subjects.processing.registeredInHainan': [
    '加工增值备案须在海南注册。',
    'Processing value-added filing requires registration in Hainan.',
  ],
  'subjects.processing.encouragedIndustry': [
    '加工增值备案须从事鼓励类产业生产。',
    'Processing value-added filing requires production in an encouraged industry.',
  ],
  'subjects.relinquishNotBackdated': ['不能追溯放弃享惠资格。', 'Treatment cannot be given up retroactively.'],
  'subjects.relinquishWithinValidity': [
    '放弃日期须在资格有效期内。',
    "The date must fall within the qualification's validity.",
  ],
  // Credit
  'credit.csvHeader': ['文件表头缺少必需的列。', 'The file header is missing a column.'],
  'credit.ndjson': ['每行须为一个 JSON 对象。', 'Each line must be one JSON object.'],
  'credit.aeoEnterpriseOnly': ['高级认证只适用于企业。', 'AEO certification applies to enterprises only.'],
  'credit.effectiveDateHorizon': ['生效日期超出允许范围。', 'The effective date is too far off.'],
  'credit.individualId': ['个人证件号码无效。', 'The personal identity number is not valid.'],
  'credit.sourceIsCaller': ['只能报送本部门的信用信息。', 'A department may only send its own records.'],
  'personalCredit.code': ['未定义该行为的信用分值。', 'No points are defined for this behaviour.'],
  'personalCredit.futureRecord': ['行为记录日期不能晚于今天。', 'A behaviour record cannot be dated after today.'],
  'personalCredit.futureWithdrawal': ['撤回日期不能晚于今天。', 'A withdrawal cannot be dated after today.'],
  // Account books
  'ledger.money': ['金额须为非负数，最多两位小数。', 'An amount is a non-negative number with at most two decimals.'],
  'ledger.quantity': ['数量格式不正确。', 'The quantity is not a valid number.'],
  'ledger.date': ['请填写日期（年-月-日）。', 'Enter a date (YYYY-MM-DD).'],
  'ledger.id': ['单证编号无效。', 'The document id is not valid.'],
  'ledger.linesRequired': ['至少填写一行商品。', 'Add at least one line.'],
  'ledger.tooManyLines': ['商品行数超过上限。', 'Too many lines.'],
  'ledger.bookUnknown': ['账册不存在。', 'The account book does not exist.'],
  'ledger.bookClosed': ['账册已关闭。', 'The account book is closed.'],
  'ledger.itemUnknown': ['该商品不在本账册上。', 'The item is not on this book.'],
  'ledger.enterpriseUnknown': ['企业未登记。', 'The enterprise is not registered.'],
  'ledger.insufficientAvailable': ['可用数量不足。', 'Not enough quantity available.'],
  'ledger.costBasisExceedsOnHand': ['超出账册结存数量。', 'More than the quantity on hand.'],
  'ledger.costExceedsStock': [
    '转出成本超过库存所含成本（货物已被使用）。',
    'The cost moved out exceeds what the stock holds.',
  ],
  'ledger.businessDateFuture': ['业务日期不能晚于今天。', 'A document cannot record a day that has not come.'],
  'ledger.expiresAtFuture': ['到期时间须晚于现在。', 'The expiry must lie in the future.'],
  'ledger.documentRequired': ['请填写单证类型和编号。', 'Give the document type and id.'],
  'ledger.documentType': ['单证类型无效。', 'Unknown document type.'],
  'ledger.documentUnknown': ['被冲正的单证不属于本账册。', 'The document to reverse is not on this book.'],
  'ledger.idempotencyConflict': ['该单证编号已用于其他内容。', 'This document id was used with other content.'],
  'ledger.purposeRequired': ['请说明预核扣所对应的单证。', 'Name the document the reservation is for.'],
  'ledger.reasonRequired': ['冲正须说明原因。', 'A reversal needs its reason.'],
  'ledger.reservationUnknown': ['预核扣不存在。', 'The reservation does not exist.'],
  'ledger.reservationNotOpen': ['预核扣已失效。', 'The reservation is no longer open.'],
  'ledger.postExceedsReserved': ['核销数量超过预核扣余量。', 'More than what remains reserved.'],
  'ledger.postDestination': ['核销去向无效。', 'Choose a valid destination.'],
  'ledger.tooManyOpenReservations': ['本账册未完结的预核扣过多。', 'The book has too many open reservations.'],
  'ledger.directReleaseUnknown': ['本账册没有该径予放行记录。', 'No such direct release on this book.'],
  'ledger.directReleaseEntered': ['该径予放行已录入。', 'This direct release was already entered.'],
  'ledger.directReleaseBeforeRelease': ['放行前不能录入。', 'Goods cannot be entered before their release.'],
  'ledger.reversal.alreadyReversed': ['该单证已被冲正。', 'The document was already reversed.'],
  'ledger.reversal.notPosted': ['只能冲正已记账的单证。', 'Only posted documents are reversed.'],
  'ledger.reversal.ofReversal': [
    '冲正单不能再冲正，请重新录入原单证。',
    'A reversal is not reversed; file the original again.',
  ],
  'ledger.reversal.posting': [
    '已核销的预核扣应通过申报单更正，而非冲正。',
    'A posted reservation is corrected by its declaration, not reversed.',
  ],
  'ledger.adjustment.fourEyes': [
    '调整须由另一名稽核查关员复核。',
    'Another auditor must approve an adjustment you filed.',
  ],
  'ledger.book.qualificationRequired': [
    '开设该类账册需要有效的相应资格。',
    'This kind of book needs an active qualification.',
  ],
  'ledger.import.taxedCatalogue': [
    '该商品在进口征税商品目录内，须缴纳进口税款。',
    'The goods are in the taxed catalogue: import taxes are due.',
  ],
  'ledger.item.taxedCatalogue': [
    '该商品在进口征税商品目录内，零关税账册不能备案。',
    'The goods are in the taxed catalogue: a zero-tariff book cannot hold them.',
  ],
  'ledger.item.exists': ['该商品序号已在本账册上。', 'This item number is already on the book.'],
  'ledger.item.duplicateInFile': ['文件中商品序号重复。', 'An item number appears twice in the file.'],
  'ledger.item.reserved': ['该商品有预核扣数量，暂不能更正。', 'The item has reserved quantities.'],
  'ledger.item.correctionEmpty': ['请至少修改一项。', 'Change at least one field.'],
  'ledger.item.correctionReason': ['请说明更正原因。', 'Say why the item is corrected.'],
  'ledger.items.empty': ['文件没有数据行。', 'The file has no rows.'],
  'ledger.items.header': ['文件表头缺少必需的列。', 'The file header is missing a column.'],
  'ledger.catalogue.empty': ['文件没有数据行。', 'The file has no rows.'],
  'ledger.catalogue.header': ['文件表头缺少必需的列。', 'The file header is missing a column.'],
  'ledger.catalogue.hsPrefix': ['商品编码前缀为 2–10 位数字。', 'An HS prefix is 2 to 10 digits.'],
  'ledger.catalogue.description': ['请填写商品描述。', 'A description is required.'],
  'ledger.transfer.sameBook': ['流转须转入另一本账册。', 'A transfer moves goods to another book.'],
  'ledger.transfer.relaxedTrade': [
    '放宽贸易管理货物不得岛内流转。',
    'Relaxed-trade goods may not be transferred on the island.',
  ],
  'ledger.transfer.receiverBookRequired': [
    '受让方为享惠主体，请选择转入账册。',
    'The receiver is a beneficiary: name the book the goods enter.',
  ],
  'ledger.transfer.ratesRequired': [
    '受让方非享惠主体，须填写关税和增值税税率。',
    'The receiver is not a beneficiary: give the duty and VAT rates.',
  ],
  'ledger.transfer.itemMismatch': ['受让方账册商品与转出商品不一致。', "The receiver's item does not match the goods."],
  'ledger.invariant.balanced': ['账册不平衡，已拒绝。', 'The book would not balance; refused.'],
  'ledger.invariant.onHandNonNegative': ['结存数量不能为负。', 'Quantity on hand cannot be negative.'],
  'ledger.invariant.reservedWithinOnHand': ['预核扣数量不能超过结存。', 'Reserved cannot exceed quantity on hand.'],
  'ledger.invariant.reservedOnStockOnly': ['系统账户不能持有预核扣。', 'A system account cannot hold a reservation.'],
  // Declarations
  'declarations.positive': ['数量和金额须大于零。', 'Quantities and amounts must be above zero.'],
  'declarations.bookUnknown': ['账册不存在。', 'The account book does not exist.'],
  'declarations.bookOfDeclarant': ['该账册属于其他企业。', 'The account book belongs to another enterprise.'],
  'declarations.bookOpen': ['账册未处于正常状态，货物不能出岛。', 'Goods leave only from an open book.'],
  'declarations.enterpriseUnknown': ['申报企业未登记。', 'The declaring enterprise is not registered.'],
  'declarations.itemUnknown': ['该商品不在任何账册上。', 'The item is not on any account book.'],
  'declarations.itemOfBook': ['该商品属于其他账册。', 'The item is on another account book.'],
  'declarations.itemOnce': ['同一商品只能申报一行，请合并数量。', 'Declare each item once, with its total quantity.'],
  'declarations.grossAtLeastNet': [
    '毛重不能小于商品净重之和。',
    "The gross weight cannot be below the goods' net weight.",
  ],
  'declarations.destinationMainland': ['二线出岛的目的地为内地。', 'A second-line exit goes to the mainland.'],
  'declarations.relaxedTradeToMainland': [
    '放宽贸易管理货物不得出岛进入内地。',
    'Relaxed-trade goods may not leave for the mainland.',
  ],
  'declarations.dutyRateRequired': ['请填写关税税率。', 'Give the duty rate.'],
  'declarations.transition': [
    '申报单当前状态下不能进行此操作。',
    'The declaration cannot do this in its current state.',
  ],
  'declarations.idempotencyConflict': [
    '该申报编号已用于其他内容，请换一个编号。',
    'This request id was used with other content; use another.',
  ],
  'declarations.amend.sameKind': ['修改申报不能改变申报类型。', 'An amendment keeps the kind of declaration.'],
  'declarations.notHeld': ['申报单未处于待查验状态。', 'The declaration is not held.'],
  'declarations.inspectionOpen': ['查验尚未完成，暂不能接受。', 'The inspection is still open.'],
  'declarations.batch.creditClass': [
    '本企业的信用类别不能分批出岛。',
    "The enterprise's credit class may not use batch exit.",
  ],
  'declarations.batch.suspended': [
    '分批出岛资格已暂停（集中申报逾期）。',
    'Batch exit is suspended (a centralized declaration is overdue).',
  ],
  'declarations.centralized.period': ['申报期间为一个自然月（年-月）。', 'A period is a calendar month (YYYY-MM).'],
  'declarations.centralized.periodOpen': [
    '该月尚未结束，请于次月 1 日起集中申报。',
    'The month is not over yet: declare it from the 1st of the next month.',
  ],
  'declarations.centralized.spansYears': ['集中申报不能跨年。', 'A centralized declaration never spans two years.'],
  'declarations.centralized.otherPeriod': ['有批次不属于该申报期间。', 'A batch left in another month.'],
  'declarations.centralized.batchNotExited': [
    '本月尚有批次未出岛，请先过卡或撤销。',
    'A batch has not left yet: it must pass the gate or be cancelled first.',
  ],
  'declarations.centralized.noBatches': [
    '该月没有出岛批次，无需集中申报。',
    'No batch left that month: there is nothing to declare.',
  ],
  // Gate and inspection
  'gate.deviceScope': ['该卡口设备绑定在其他通道。', 'This gate device is bound to another lane.'],
  'gate.idempotencyConflict': ['同一事件编号对应了不同内容。', 'The same event id came with other content.'],
  'gate.reasonRequired': ['请填写原因。', 'Give a reason.'],
  'gate.resolutionRequired': ['请说明冲突的处理结果。', 'Say how the conflict was settled.'],
  'gate.reservationUnknown': ['预核扣不存在。', 'The reservation does not exist.'],
  'gate.reservationNotOpen': ['预核扣已失效。', 'The reservation is no longer open.'],
  'inspection.assignee': ['请填写查验关员。', 'Name the inspector.'],
  'inspection.attended': ['请说明企业是否陪同查验。', 'Say whether the trader attended.'],
  'inspection.outcome': ['请选择查验结果。', 'Choose the outcome.'],
  'inspection.disposition': ['请选择处置方式（放行或扣留）。', 'Choose release or keep.'],
  'inspection.seizureKeeps': ['查扣的货物须扣留。', 'Seized goods are kept.'],
  'inspection.discrepancyNeedsCorrections': [
    '查验不符时，请填写更正后的数值。',
    'A discrepancy lists the corrected values.',
  ],
  'inspection.correctionsNeedDiscrepancy': ['查验相符时不填写更正数值。', 'A match has no corrected values.'],
  'inspection.correctionEmpty': ['更正至少修改一项数值。', 'A correction changes at least one value.'],
  'inspection.decimal': ['请填写数字（可带小数）。', 'Enter a number (decimals allowed).'],
  'inspection.lineIndex': ['请填写申报单的商品行号（从 0 开始）。', 'Give the declaration line number, from 0.'],
  'inspection.fileName': ['文件名长度为 1–200 个字符。', 'A file name has 1 to 200 characters.'],
  'inspection.evidenceEmpty': ['文件为空。', 'The file is empty.'],
  'inspection.evidenceTooLarge': ['文件过大。', 'The file is too large.'],
  'inspection.state': ['查验任务当前状态下不能进行此操作。', 'The task cannot do this in its current state.'],
  'inspection.reasonsRequired': ['查验任务至少需要一个原因。', 'An inspection task needs at least one reason.'],
  'inspection.document': ['请填写单证编号。', 'Give the document id.'],
  'inspection.documentType': ['单证类型无效。', 'Unknown document type.'],
  // Tax and value added
  'tax.nonNegative': ['金额、税率和数量不能为负。', 'Amounts, rates and quantities are never negative.'],
  'tax.vatRate': ['请选择有效的增值税税率。', 'Choose a valid import VAT rate.'],
  'tax.consumptionTaxRateBelowOne': [
    '从价消费税税率须小于 1。',
    'The ad valorem consumption tax rate must be below 1.',
  ],
  'tax.specificNeedsQuantity': [
    '从量税须填写法定计量单位的数量。',
    'A specific duty needs the quantity in the legal unit.',
  ],
  'tax.exchangeRateMissing': [
    '缺少申报日适用的汇率（币种和汇率日见技术详情），请联系管理员录入。',
    'No exchange rate for the declaration day (currency and rate day in the technical detail); ' +
      'an administrator must load it.',
  ],
  'tax.exchangeRateDay': ['无法确定适用汇率的日期。', 'The exchange-rate day cannot be determined.'],
  'tax.firstLine.catalogueFact': [
    '请说明货物在申报日是否列入进口征税商品目录。',
    'Say whether the goods are in the taxed catalogue on the declaration date.',
  ],
  'tax.secondLine.valueAddedRequired': [
    '加工货物须填写增值比例或料件金额。',
    'Processed goods need their value added (a ratio or the materials).',
  ],
  'tax.rates.header': ['文件表头缺少必需的列。', 'The file header is missing a column.'],
  'tax.rates.empty': ['文件没有汇率数据。', 'The file holds no rates.'],
  'tax.rates.notCny': ['人民币不需要汇率。', 'CNY needs no exchange rate.'],
  'tax.rates.conflictInFile': [
    '文件中同一币种同一日期的汇率不一致。',
    'The file gives two rates for the same currency and day.',
  ],
  'valueAdded.noMaterials': ['请填写进口料件或境内料件金额。', 'Give the imported or domestic materials.'],
  'valueAdded.numberFormat': ['累计编号格式不正确。', 'The cumulative number is not in its format.'],
  'valueAdded.numberCheckDigits': [
    '累计编号校验位不符，可能录入有误。',
    'The check digits do not match: the number was mistyped.',
  ],
  'valueAdded.numberOnce': ['同一累计编号只能列一次。', 'List each cumulative number once.'],
  'valueAdded.quantityWithinRecord': [
    '使用数量须大于 0 且不超过累计记录数量。',
    "The quantity used must be above 0 and at most the record's quantity.",
  ],
  'valueAdded.recordQuantityPositive': ['累计记录数量须大于 0。', 'A cumulative record covers a positive quantity.'],
  // Risk
  'risk.expression.syntax': ['规则表达式语法错误。', 'The rule expression has a syntax error.'],
  'risk.expression.empty': ['请填写规则表达式。', 'Write the rule expression.'],
  'risk.expression.unknownField': ['表达式引用了不存在的字段。', 'The expression uses an unknown field.'],
  'risk.expression.type': ['表达式中的类型不匹配。', 'The types in the expression do not match.'],
  'risk.expression.notCondition': [
    '表达式须为条件（结果为真或假）。',
    'The expression must be a condition (true or false).',
  ],
  'risk.expression.constant': [
    '表达式的结果恒定不变，没有判别作用。',
    'The expression is constant: it selects nothing.',
  ],
  'risk.expression.nullComparison': ['与空值比较请使用“为空”判断。', 'Compare with null using an is-null test.'],
  'risk.expression.scope': [
    '表达式使用了该申报类型没有的字段。',
    'The expression uses a field this declaration kind lacks.',
  ],
  'risk.feature.weight': ['权重超出允许范围。', 'The weight is out of range.'],
  'risk.fourEyes': ['须由另一名分析员复核批准。', 'Another analyst must approve it.'],
  'risk.backtest.window': ['起始日期不能晚于截止日期。', 'The start must not be after the end.'],
  'risk.retrainNotDue': ['尚未到重新训练的时间。', 'Retraining is not due yet.'],
  // Policy parameters
  'parameters.knownName': ['没有该政策参数。', 'Unknown policy parameter.'],
  'parameters.validRange': ['生效止日须晚于起日。', 'The end must be after the start.'],
  // The first line: prohibited and restricted goods, licences, the tariff table, certificates of origin
  'firstLine.prohibited': [
    '该商品属于禁止进出境货物，不予申报。',
    'These goods are prohibited: they cannot be declared.',
  ],
  'firstLine.licenceRequired': [
    '该商品属于限制进出境货物，请填写许可证编号。',
    'These goods are restricted: give the number of the licence they are declared under.',
  ],
  'firstLine.required': ['征税进口或一般出口的商品须填写此项。', 'A taxed or general line needs this field.'],
  'firstLine.kind': ['此申报方式不适用于该进出境方向。', 'This line kind does not fit the direction.'],
  'firstLine.bookRequired': ['账册项商品须选择账册。', 'Book lines need the account book.'],
  'firstLine.bookUnknown': ['账册不存在或不属于本企业。', 'The book is unknown or not yours.'],
  'firstLine.itemRequired': ['账册项须选择账册商品。', 'A book line needs its book item.'],
  'firstLine.itemNotInBook': ['该商品不在所选账册中。', 'The item is not on the chosen book.'],
  'firstLine.itemOnBookLine': ['只有账册项可以选择账册商品。', 'Only book lines name a book item.'],
  'firstLine.differsFromItem': ['申报内容与账册商品不一致。', 'The line differs from the book item.'],
  'firstLine.directReleaseBookOnly': [
    '径予放行仅适用于全部为账册项的进境申报。',
    'Direct release is for imports whose every line enters the book.',
  ],
  'firstLine.qualificationRequired': [
    '企业在申报日不具备该账册监管方式的资格。',
    'The enterprise does not hold the qualification for this regime on the day.',
  ],
  'firstLine.taxedCatalogue': [
    '列入进口征税商品目录的货物不能进入零关税账册，请按征税进口申报。',
    'Goods of the taxed catalogue cannot enter a zero-tariff book: declare them as a taxed import.',
  ],
  'firstLine.certificateOnTaxedLine': ['只有征税进口的商品可附原产地证书。', 'Only taxed lines carry a certificate.'],
  'firstLine.dateFuture': ['申报日期不能晚于今天。', 'The declaration date cannot be a day to come.'],
  'firstLine.positive': ['请填写大于零的数值。', 'Enter a value above zero.'],
  'firstLine.notHeld': ['该申报单已处置，不能再次处置。', 'The declaration was already decided.'],
  'firstLine.idempotencyConflict': [
    '同一申报编号已用于内容不同的申报。',
    'The same request id was used for a different declaration.',
  ],
  'licence.unknown': ['许可证不存在。', 'The licence is unknown.'],
  'licence.exhausted': ['许可证剩余数量不足。', 'The licence has not enough quantity left.'],
  'licence.expired': ['许可证已过期。', 'The licence has expired.'],
  'licence.notYetValid': ['许可证尚未生效。', 'The licence is not valid yet.'],
  'licence.revoked': ['许可证已撤销。', 'The licence was revoked.'],
  'licence.scope': ['许可证的商品范围不包括该商品。', "The goods are outside the licence's scope."],
  'licence.holder': ['许可证持证人不是本企业。', 'The licence belongs to another holder.'],
  'licence.type': ['许可证类型与该商品要求不符。', 'The licence is not of the type these goods need.'],
  'origin.certificateInvalid': [
    '原产地证书无效（不存在、已过期或与商品、原产国不符），不能适用协定税率。',
    'The certificate of origin is invalid (unknown, expired or not for these goods): no conventional rate.',
  ],
  'tariff.lineMissing': [
    '税则中没有此商品编码在申报日期的税目。',
    'The tariff table has no line for this code on the day.',
  ],
  'tariff.codeNeedsTenDigits': ['请填写 10 位商品编码。', 'Enter the 10-digit tariff code.'],
};

/** The problem `type` of an answer (urn:tidegate:error:<code>): what happened, in general. */
export const PROBLEM_TEXTS: Record<string, Text> = {
  validation: ['提交的内容有误，请按标出的提示更正后重试。', 'Some values need correcting: see the marked fields.'],
  unauthorized: [
    '登录已失效或凭据错误，请重新登录。',
    'Your sign-in has expired or the credentials are wrong; sign in again.',
  ],
  forbidden: ['您的角色无权执行此操作。', 'Your role may not do this.'],
  'not-found': ['未找到所请求的记录。', 'The record was not found.'],
  conflict: [
    '记录已存在或已被他人修改，请刷新后重试。',
    'The record exists already or was changed meanwhile; reload and retry.',
  ],
  'idempotency-conflict': [
    '同一请求编号已用于其他内容，请刷新后重新提交。',
    'The same request key was used for other content; reload and submit again.',
  ],
  'method-not-allowed': ['不支持此操作。', 'This action is not supported.'],
  'body-too-large': ['提交的内容过大（上限 1 MB），请拆分后提交。', 'The request is too large (1 MB limit); split it.'],
  'unsupported-media-type': ['提交的内容格式不受支持。', 'The content format is not supported.'],
  'too-many-requests': ['请求过于频繁，请稍后再试。', 'Too many requests; try again shortly.'],
  'rate-limited': ['请求过于频繁，请稍后再试。', 'Too many requests; try again shortly.'],
  'uri-too-long': ['地址过长。', 'The address is too long.'],
  internal: [
    '服务器出现错误，已记录。请稍后重试，或将请求编号告知管理员。',
    'Something went wrong on the server and was logged. Retry later, or give the request id to an administrator.',
  ],
  'bad-request': ['请求无效。', 'The request is not valid.'],
  'four-eyes': ['须由另一人复核批准（四眼原则）。', 'Someone else must approve this (four eyes).'],
  'ledger-four-eyes': ['调整须由另一名稽核查关员复核。', 'Another auditor must approve this adjustment.'],
  'backtest-required': ['批准前须先完成回测。', 'Run a backtest before approving.'],
  'not-enough-labels': ['已有查验结果太少，暂不能训练模型。', 'Too few inspection outcomes to train a model yet.'],
  'batch-exit-suspended': [
    '分批出岛资格已暂停（集中申报逾期），请先完成集中申报。',
    'Batch exit is suspended (a centralized declaration is overdue); file it first.',
  ],
  'batch-exit-not-allowed': ['本企业的信用类别不能分批出岛。', "The enterprise's credit class may not use batch exit."],
  'inspection-state': [
    '查验任务当前状态下不能进行此操作，请刷新查看最新状态。',
    'The task cannot do this in its current state; reload to see it.',
  ],
  'exchange-rate-day': ['无法确定适用汇率的日期。', 'The exchange-rate day cannot be determined.'],
  'ledger-reservation-not-open': ['预核扣已失效。', 'The reservation is no longer open.'],
  'ledger-post-exceeds-reserved': ['核销数量超过预核扣余量。', 'More than what remains reserved.'],
  'item-reserved': ['该商品有预核扣数量，暂不能更正。', 'The item has reserved quantities.'],
  'qualification-refused': ['不符合该资格的条件。', "The enterprise does not meet the qualification's conditions."],
  'parameter-missing': ['缺少所需的政策参数，请联系管理员。', 'A policy parameter is missing; ask an administrator.'],
  'unknown-subject': ['没有该经营主体。', 'No such enterprise or person.'],
  'input-id-reused': ['该信息编号已用于其他内容。', 'This record id was used with other content.'],
  'credit-records-refused': [
    '文件中有记录未通过校验，整份文件未导入。',
    'Some records failed their checks; nothing was imported.',
  ],
  invariant: ['此操作会破坏账务平衡，已拒绝。', 'The change would break an invariant and was refused.'],
};

/** Any other refused rule (a business rule without its own text). */
export const GENERAL_TEXT: Text = [
  '此项不符合规定，详见技术详情。',
  'This does not meet a rule; see the technical detail.',
];
export const REFUSED_TEXT: Text = ['操作未能完成。', 'The action could not be completed.'];
