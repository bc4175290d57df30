package ethtool

// LinkInfo is ETHTOOL_MSG_LINKINFO: port, PHY address, MDI-X,
// transceiver (what `ethtool DEV` prints as Port, PHYAD, MDI-X,
// Transceiver). Nil fields were not reported.
type LinkInfo struct {
	Header
	Port        *uint8 `json:"port,omitempty"`
	PhyAddr     *uint8 `json:"phyaddr,omitempty"`
	TPMDIX      *uint8 `json:"tp_mdix,omitempty"`
	TPMDIXCtrl  *uint8 `json:"tp_mdix_ctrl,omitempty"`
	Transceiver *uint8 `json:"transceiver,omitempty"`
}

// LinkState is ETHTOOL_MSG_LINKSTATE ("Link detected").
type LinkState struct {
	Header
	Link        *bool   `json:"link,omitempty"`
	SQI         *uint32 `json:"sqi,omitempty"`
	SQIMax      *uint32 `json:"sqi_max,omitempty"`
	ExtState    *uint8  `json:"ext_state,omitempty"`
	ExtSubstate *uint8  `json:"ext_substate,omitempty"`
	ExtDownCnt  *uint32 `json:"ext_down_cnt,omitempty"`
}

// LinkModes is ETHTOOL_MSG_LINKMODES: speed (Mb/s, 0xffffffff unknown),
// duplex (0 half, 1 full, 0xff unknown), autonegotiation and the
// advertised (Ours) and link partner's (Peer) modes.
type LinkModes struct {
	Header
	Autoneg          *bool   `json:"autoneg,omitempty"`
	Speed            *uint32 `json:"speed,omitempty"`
	Duplex           *uint8  `json:"duplex,omitempty"`
	Lanes            *uint32 `json:"lanes,omitempty"`
	MasterSlaveCfg   *uint8  `json:"master_slave_cfg,omitempty"`
	MasterSlaveState *uint8  `json:"master_slave_state,omitempty"`
	RateMatching     *uint8  `json:"rate_matching,omitempty"`
	Ours             *Bitset `json:"ours,omitempty"`
	Peer             *Bitset `json:"peer,omitempty"`
}

// Rings is ETHTOOL_MSG_RINGS (`ethtool -g`).
type Rings struct {
	Header
	RxMax        *uint32 `json:"rx_max,omitempty"`
	RxMiniMax    *uint32 `json:"rx_mini_max,omitempty"`
	RxJumboMax   *uint32 `json:"rx_jumbo_max,omitempty"`
	TxMax        *uint32 `json:"tx_max,omitempty"`
	Rx           *uint32 `json:"rx,omitempty"`
	RxMini       *uint32 `json:"rx_mini,omitempty"`
	RxJumbo      *uint32 `json:"rx_jumbo,omitempty"`
	Tx           *uint32 `json:"tx,omitempty"`
	RxBufLen     *uint32 `json:"rx_buf_len,omitempty"`
	TCPDataSplit *uint8  `json:"tcp_data_split,omitempty"`
	CQESize      *uint32 `json:"cqe_size,omitempty"`
	TxPush       *bool   `json:"tx_push,omitempty"`
}

// Channels is ETHTOOL_MSG_CHANNELS (`ethtool -l`). A nil count is what
// ethtool prints as "n/a".
type Channels struct {
	Header
	RxMax         *uint32 `json:"rx_max,omitempty"`
	TxMax         *uint32 `json:"tx_max,omitempty"`
	OtherMax      *uint32 `json:"other_max,omitempty"`
	CombinedMax   *uint32 `json:"combined_max,omitempty"`
	RxCount       *uint32 `json:"rx_count,omitempty"`
	TxCount       *uint32 `json:"tx_count,omitempty"`
	OtherCount    *uint32 `json:"other_count,omitempty"`
	CombinedCount *uint32 `json:"combined_count,omitempty"`
}

// Coalesce is ETHTOOL_MSG_COALESCE (`ethtool -c`).
type Coalesce struct {
	Header
	RxUsecs            *uint32 `json:"rx_usecs,omitempty"`
	RxMaxFrames        *uint32 `json:"rx_max_frames,omitempty"`
	RxUsecsIRQ         *uint32 `json:"rx_usecs_irq,omitempty"`
	RxMaxFramesIRQ     *uint32 `json:"rx_max_frames_irq,omitempty"`
	TxUsecs            *uint32 `json:"tx_usecs,omitempty"`
	TxMaxFrames        *uint32 `json:"tx_max_frames,omitempty"`
	TxUsecsIRQ         *uint32 `json:"tx_usecs_irq,omitempty"`
	TxMaxFramesIRQ     *uint32 `json:"tx_max_frames_irq,omitempty"`
	StatsBlockUsecs    *uint32 `json:"stats_block_usecs,omitempty"`
	UseAdaptiveRx      *bool   `json:"use_adaptive_rx,omitempty"`
	UseAdaptiveTx      *bool   `json:"use_adaptive_tx,omitempty"`
	PktRateLow         *uint32 `json:"pkt_rate_low,omitempty"`
	RxUsecsLow         *uint32 `json:"rx_usecs_low,omitempty"`
	RxMaxFramesLow     *uint32 `json:"rx_max_frames_low,omitempty"`
	TxUsecsLow         *uint32 `json:"tx_usecs_low,omitempty"`
	TxMaxFramesLow     *uint32 `json:"tx_max_frames_low,omitempty"`
	PktRateHigh        *uint32 `json:"pkt_rate_high,omitempty"`
	RxUsecsHigh        *uint32 `json:"rx_usecs_high,omitempty"`
	RxMaxFramesHigh    *uint32 `json:"rx_max_frames_high,omitempty"`
	TxUsecsHigh        *uint32 `json:"tx_usecs_high,omitempty"`
	TxMaxFramesHigh    *uint32 `json:"tx_max_frames_high,omitempty"`
	RateSampleInterval *uint32 `json:"rate_sample_interval,omitempty"`
	UseCQEModeTx       *bool   `json:"use_cqe_mode_tx,omitempty"`
	UseCQEModeRx       *bool   `json:"use_cqe_mode_rx,omitempty"`
}

// Pause is ETHTOOL_MSG_PAUSE (`ethtool -a`), with the pause frame
// counters when asked for statistics and the driver keeps them.
type Pause struct {
	Header
	Autoneg *bool       `json:"autoneg,omitempty"`
	Rx      *bool       `json:"rx,omitempty"`
	Tx      *bool       `json:"tx,omitempty"`
	Stats   *PauseStats `json:"stats,omitempty"`
}

// PauseStats are the pause frame counters (ETHTOOL_A_PAUSE_STAT_*).
type PauseStats struct {
	TxFrames *uint64 `json:"tx_frames,omitempty"`
	RxFrames *uint64 `json:"rx_frames,omitempty"`
}
